from __future__ import annotations

import pytest

from analyzer.report import DEFAULT_FORMATS, REPORT_FORMATS, parse_formats
from decompose.errors import DecomposeError


def test_all_and_lists():
    assert parse_formats("all") == DEFAULT_FORMATS == frozenset(REPORT_FORMATS)
    assert parse_formats(" HTML, md ,") == {"html", "md"}


@pytest.mark.parametrize("text", ["", "pdf", "html,pdf"])
def test_unknown_or_empty_is_one_clear_error(text):
    with pytest.raises(DecomposeError, match="--format"):
        parse_formats(text)
