"""Rendering of a proposal for people: HTML and Markdown reports, DOT and SVG graphs.

``render_reports`` is loaded on first use: the analyze command reads the format names on every
run, and a warm run that reuses its reports must not pay for jinja2, graphviz and the renderers.
"""

from typing import TYPE_CHECKING

from analyzer.report.formats import DEFAULT_FORMATS, REPORT_FORMATS, parse_formats

if TYPE_CHECKING:
    from analyzer.report.render import render_reports

__all__ = ["DEFAULT_FORMATS", "REPORT_FORMATS", "parse_formats", "render_reports"]


def __getattr__(name: str) -> object:
    if name == "render_reports":
        from analyzer.report.render import render_reports

        return render_reports
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
