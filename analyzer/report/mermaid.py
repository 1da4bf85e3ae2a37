"""The app graph as a Mermaid flowchart, for pull-request comments (no Graphviz needed there).

It draws the same capped view as apps.dot: services as subgraphs, cut edges solid with their
kinds as labels, edges inside a service dotted, colours and widths through ``linkStyle``.
"""

from __future__ import annotations

from analyzer.report.appgraph import AppGraphView, penwidth
from analyzer.report.palette import KERNEL_BORDER, KERNEL_FILL, SERVICE_BORDER, kind_colour


def mermaid_text(text: str) -> str:
    """Text safe inside a quoted Mermaid label (entity codes for quote, #, <, >)."""
    return (text.replace("#", "#35;").replace('"', "#quot;")
            .replace("<", "#lt;").replace(">", "#gt;").replace("\n", " "))


def app_flowchart(view: AppGraphView) -> str:
    """Mermaid ``flowchart TB`` source; node ids are positional so odd app names are harmless."""
    ids: dict[str, str] = {}
    lines = ["flowchart TB"]
    styles = []
    for index, cluster in enumerate(view.clusters, start=1):
        sub = f"s{index}"
        caption = f"{cluster.name} · {cluster.apps} app{'s' if cluster.apps != 1 else ''}"
        if cluster.kernel:
            caption += " · shared kernel"
        lines.append(f'  subgraph {sub}["{mermaid_text(caption)}"]')
        for node in cluster.nodes:
            ids[node.id] = f"n{len(ids) + 1}"
            shape = ('["{}"]' if not node.hidden else '[/"{}"/]').format(mermaid_text(node.label))
            lines.append(f"    {ids[node.id]}{shape}")
        lines.append("  end")
        styles.append(f"  style {sub} fill:{KERNEL_FILL},stroke:{KERNEL_BORDER},"
                      "stroke-dasharray:6 4" if cluster.kernel else
                      f"  style {sub} fill:#F8FAFC,stroke:{SERVICE_BORDER}")
    for index, edge in enumerate(view.edges):
        arrow = f'-->|"{mermaid_text(edge.summary)}"|' if edge.cut else "-.->"
        lines.append(f"  {ids[edge.source]} {arrow} {ids[edge.target]}")
        width = penwidth(edge.weight, view.max_weight)
        styles.append(f"  linkStyle {index} stroke:{kind_colour(edge.kind)},"
                      f"stroke-width:{width:.1f}px")
    return "\n".join(lines + styles) + "\n"
