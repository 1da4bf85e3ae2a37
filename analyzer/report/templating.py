"""The jinja2 environments of the reports: strict (a typo in a template is an error, not blank
text), HTML-escaping for report.html, plain for report.md."""

from __future__ import annotations

import functools

import jinja2

from decompose.templating import strict_environment


@functools.cache
def environment(*, html: bool) -> jinja2.Environment:
    env = strict_environment(jinja2.PackageLoader("analyzer.report", "templates"),
                             autoescape=html)
    env.filters["md_cell"] = md_cell
    env.filters["md_code"] = md_code
    return env


def md_cell(text: object) -> str:
    """Text that stays inside one Markdown table cell."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def md_code(text: object) -> str:
    """Inline code that survives backticks inside the text."""
    value = str(text).replace("\n", " ")
    if "`" in value:
        return f"`` {value} ``"
    return f"`{value}`"
