"""Rendering of a proposal for people: HTML and Markdown reports, DOT and SVG graphs."""

from analyzer.report.formats import DEFAULT_FORMATS, REPORT_FORMATS, parse_formats
from analyzer.report.render import render_reports

__all__ = ["DEFAULT_FORMATS", "REPORT_FORMATS", "parse_formats", "render_reports"]
