"""report.html: one self-contained file (inline CSS and SVG, nothing fetched) for a team."""

from __future__ import annotations

from markupsafe import Markup

from analyzer.report.facts import ReportFacts
from analyzer.report.templating import environment


def render_html(facts: ReportFacts, *, app_svg: str | None,
                service_svgs: dict[str, str | None]) -> str:
    """Fill the template; the SVGs come from Graphviz (which escapes labels), so they are
    inserted as markup."""
    return environment(html=True).get_template("report.html.j2").render(
        facts=facts,
        app_svg=Markup(app_svg) if app_svg else None,
        service_svgs={s.name: Markup(service_svgs[s.name]) if service_svgs.get(s.name) else None
                      for s in facts.services},
    )
