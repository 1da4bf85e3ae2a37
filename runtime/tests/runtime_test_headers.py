"""Request headers as Django's test client takes them on every supported series.

``Client(headers=...)`` and ``RequestFactory(headers=...)`` are Django 4.2+; Django 3.2 takes a
header only as its WSGI environ key (``HTTP_AUTHORIZATION``), which every series still reads.
"""

from __future__ import annotations


def environ(headers: dict[str, str]) -> dict[str, str]:
    """``{"X-Decompose-Token": t}`` -> ``{"HTTP_X_DECOMPOSE_TOKEN": t}``."""
    return {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
