"""report.md: the same facts as report.html, shaped for a pull-request comment."""

from __future__ import annotations

from analyzer.report.facts import ReportFacts
from analyzer.report.templating import environment


def render_markdown(facts: ReportFacts, *, flowchart: str) -> str:
    return environment(html=False).get_template("report.md.j2").render(
        facts=facts, flowchart=flowchart)
