"""Graphviz at the edge: DOT text in, SVG text out, and SVG made fit to inline into HTML.

Without ``dot`` on PATH the caller gets one warning for the whole run instead of an error per
graph, since every other artifact can still be written.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import graphviz

from decompose.model import Diagnostic, DiagnosticLevel


def graphviz_missing() -> Diagnostic | None:
    """The one warning for a run without Graphviz, or None when ``dot`` is on PATH."""
    if shutil.which("dot") is not None:
        return None
    return Diagnostic(DiagnosticLevel.WARNING, "graphviz-missing",
                      "Graphviz `dot` is not on PATH: SVG graphs skipped (install graphviz, "
                      "e.g. `apt install graphviz`, to get apps.svg and the service graphs; "
                      "the .dot files and reports are still written)")


def render_svg(dot_text: str, name: str) -> tuple[str | None, Diagnostic | None]:
    """Lay out one graph; a Graphviz failure becomes a warning naming the graph, not a crash."""
    try:
        svg = graphviz.pipe_string("dot", "svg", dot_text, encoding="utf-8", quiet=True)
    except graphviz.ExecutableNotFound:
        return None, graphviz_missing()
    except subprocess.CalledProcessError as exc:
        stderr = exc.stderr
        if isinstance(stderr, bytes):
            stderr = stderr.decode(errors="replace")
        detail = (stderr or str(exc)).strip().splitlines()
        return None, Diagnostic(DiagnosticLevel.WARNING, "graphviz-failed",
                                f"Graphviz could not lay out {name}: "
                                f"{detail[0] if detail else exc}")
    return svg, None


_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->\n?", re.DOTALL)


def inline_svg(svg: str, label: str) -> str:
    """Strip the XML prolog and comments (the page's CSS scales the SVG down), and name it."""
    body = _COMMENT.sub("", _PROLOG.sub("", svg, count=1))
    head, sep, rest = body.partition(">")
    return f'{head} role="img" aria-label="{_attr(label)}"{sep}{rest}'.strip() + "\n"


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
