"""decompose and decompose-runtime are released together: one version for both."""

from __future__ import annotations

from importlib.metadata import version

import decompose_runtime


def test_the_runtime_is_versioned_with_decompose():
    assert decompose_runtime.__version__ == version("decompose") == version("decompose-runtime")
