"""Every runtime name the extractor writes into generated code exists in the runtime."""

from __future__ import annotations

import pytest
from django.utils.module_loading import import_string

from decompose_runtime import names


@pytest.mark.parametrize("name", names.ALL, ids=lambda name: name.dotted)
def test_each_written_name_is_importable(name):
    assert import_string(name.dotted).__name__ == name.name
