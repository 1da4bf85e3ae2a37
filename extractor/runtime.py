"""Write ``decompose_remote``, the service-side runtime library, into a generated service.

The library is plain Python kept as templates (no per-service values), so every service gets the
same bytes; its codec is the one template also rendered into the monolith's bridge app.
"""

from __future__ import annotations

from pathlib import Path

from extractor.render import render_tree

TEMPLATES = Path(__file__).parent / "templates"
RUNTIME_TEMPLATES = TEMPLATES / "runtime"
# One codec source for both ends of the wire (see codec.py's docstring).
CODEC_TEMPLATES = TEMPLATES / "codec"
RUNTIME_PACKAGE = "decompose_remote"


def render_codec(target: Path, package: str) -> list[str]:
    """Render the shared codec as ``<package>/codec.py`` under ``target``."""
    written = render_tree(CODEC_TEMPLATES, target / package, {})
    return [f"{package}/{name}" for name in written]


def render_runtime(target: Path) -> list[str]:
    """Write the ``decompose_remote`` package into the service folder ``target``.

    Returns the written paths relative to ``target``, sorted.
    """
    written = render_tree(RUNTIME_TEMPLATES, target, {})
    return sorted([*written, *render_codec(target, RUNTIME_PACKAGE)])
