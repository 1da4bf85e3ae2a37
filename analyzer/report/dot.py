"""DOT text for the app graph and the per-service model graphs, produced and sorted by us.

We write DOT ourselves (rather than through a builder) so the text is byte-identical for the same
proposal: every list is sorted, every number formatted, every id quoted. Graphviz only lays out.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Iterable

from analyzer.report.appgraph import AppEdge, AppGraphView, AppNode, ServiceCluster, penwidth
from analyzer.report.modelgraph import ModelEdge, ModelGraphView, ModelNode
from analyzer.report.palette import (
    FONT,
    INK,
    KERNEL_BORDER,
    KERNEL_FILL,
    KIND_STYLES,
    MUTED,
    SERVICE_BORDER,
    SERVICE_FILL,
    kind_colour,
)
from decompose.model import RelationKind

INTERNAL_ALPHA = "59"  # edges inside one service are drawn faded (#rrggbb + alpha)
RELATION_ARROWS = {
    RelationKind.FOREIGN_KEY: "normal",
    RelationKind.ONE_TO_ONE: "teenormal",
    RelationKind.MANY_TO_MANY: "crownormal",
    RelationKind.GENERIC_RELATION: "odotnormal",
    RelationKind.GENERIC_FOREIGN_KEY: "odotnormal",
}


_SAFE_ID = re.compile(r"[A-Za-z0-9_.:+-]+")


def quote(text: str) -> str:
    """A DOT double-quoted label/tooltip string showing ``text`` (quotes, backslashes, newlines).

    Graphviz's lexer cannot end a quoted string with a backslash, so one gets a trailing space.
    """
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\r", "").replace("\n", "\\n")
    return '"' + escaped + (" " if escaped.endswith("\\") else "") + '"'


def node_ids(names: Iterable[str], prefix: str = "") -> dict[str, str]:
    """DOT ids: the name itself when it is plain (every Django label is), else ``#<n>``.

    Ids are not escape strings, so odd names get a positional id instead of fragile escaping;
    labels and tooltips still show the real name. ``prefix`` makes subgraphs clusters.
    """
    return {name: quote(prefix + (name if _SAFE_ID.fullmatch(name) else f"#{index}"))
            for index, name in enumerate(sorted(set(names)), start=1)}


class HtmlLabel(str):
    """Graphviz HTML-like label markup (already escaped); written between ``<`` and ``>``."""


def _h(text: str) -> str:
    """Text for a Graphviz HTML-like label."""
    return html.escape(text, quote=True).replace("\n", "<BR/>")


def _attrs(**values: str | float) -> str:
    parts = []
    for key, value in values.items():
        if isinstance(value, float):
            text = f"{value:.2f}"
        elif isinstance(value, HtmlLabel):
            text = f"<{value}>"
        else:
            text = quote(str(value))
        parts.append(f"{key}={text}")
    return "[" + ", ".join(parts) + "]"


def _header(name: str, graph_id: str, rankdir: str, legend: str) -> list[str]:
    return [
        f"digraph {quote(name)} {{",
        f"  id={quote(graph_id)};",
        "  graph " + _attrs(rankdir=rankdir, newrank="true", nodesep="0.35", ranksep="0.55",
                            fontname=FONT, fontsize="11", fontcolor=INK, pad="0.25",
                            labelloc="b", labeljust="l", label=legend) + ";",
        "  node " + _attrs(shape="box", style="rounded,filled", fillcolor="white",
                           color="#475569", fontname=FONT, fontsize="12", fontcolor=INK,
                           margin="0.14,0.06", penwidth="1.2") + ";",
        "  edge " + _attrs(fontname=FONT, fontsize="9", fontcolor="#475569",
                           arrowsize="0.7") + ";",
    ]


def _legend(rows: list[tuple[str, str]]) -> str:
    """A one-row legend table placed under the graph: (swatch HTML, caption) pairs."""
    if not rows:
        return ""  # an empty table is a Graphviz syntax error
    cells = "".join(f'<TD>{swatch}</TD><TD ALIGN="LEFT">{_h(caption)}   </TD>'
                    for swatch, caption in rows)
    return HtmlLabel(f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="1">'
                     f"<TR>{cells}</TR></TABLE>")


def _line(colour: str, glyph: str = "━━━") -> str:
    return f'<FONT COLOR="{colour}"><B>{_h(glyph)}</B></FONT>'


def app_graph_dot(view: AppGraphView, *, graph_id: str = "apps") -> str:
    """The proposal as services (clusters) of apps, edges coloured by their dominant kind."""
    kinds = sorted({edge.kind for edge in view.edges}, key=list(KIND_STYLES).index)
    legend = [(_line(kind_colour(kind)), f"{kind} \u00d7{view.kind_weights[kind]:g}")
              for kind in kinds]
    if view.edges:
        legend.append((_line("#64748B"), "solid: crosses services · faded: inside one · "
                                         "width: weighted count"))
    if any(cluster.kernel for cluster in view.clusters):
        legend.append((_line(KERNEL_BORDER, "┅┅"), "shared kernel"))
    lines = _header("apps", graph_id, "TB", _legend(legend))
    ids = node_ids(n.id for c in view.clusters for n in c.nodes)
    names = node_ids((c.name for c in view.clusters), prefix="cluster_")
    for index, cluster in enumerate(view.clusters, start=1):
        lines.extend(_cluster(cluster, names[cluster.name],
                              f"{graph_id}_cluster{index}", ids))
    lines.extend(_app_edge(edge, view, ids) for edge in view.edges)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _cluster(cluster: ServiceCluster, name: str, cluster_id: str,
             ids: dict[str, str]) -> list[str]:
    caption = f"{cluster.apps} app{'s' if cluster.apps != 1 else ''}"
    if cluster.kernel:
        caption = "shared kernel · " + caption
    style = {"style": "rounded,filled", "color": SERVICE_BORDER, "fillcolor": SERVICE_FILL,
             "penwidth": "1.2"}
    if cluster.kernel:
        style.update(style="rounded,dashed,filled", color=KERNEL_BORDER, fillcolor=KERNEL_FILL,
                     penwidth="1.6")
    lines = [f"  subgraph {name} {{",
             f"    id={quote(cluster_id)};",
             "    graph " + _attrs(label=HtmlLabel(f'<B>{_h(cluster.name)}</B>  <FONT POINT-SIZE='
                                                  f'"10" COLOR="#64748B">{_h(caption)}</FONT>'),
                                  labelloc="t", labeljust="l", fontsize="13", margin="14",
                                  **style) + ";"]
    lines.extend(f"    {ids[node.id]} {_app_node_attrs(node)};" for node in cluster.nodes)
    lines.append("  }")
    return lines


def _app_node_attrs(node: AppNode) -> str:
    if node.hidden:
        return _attrs(label=node.label, shape="note", style="dashed", color=MUTED,
                      fontcolor=MUTED, tooltip=f"{node.hidden} smaller apps of {node.service} "
                                               f"({node.models} models), folded to keep the "
                                               f"graph readable")
    detail = f"{node.models} model{'s' if node.models != 1 else ''}"
    return _attrs(label=HtmlLabel(f'{_h(node.label)}<BR/><FONT POINT-SIZE="9" '
                                  f'COLOR="#64748B">{_h(detail)}</FONT>'),
                  tooltip=f"{node.label} ({node.service}): {detail}")


def _app_edge(edge: AppEdge, view: AppGraphView, ids: dict[str, str]) -> str:
    colour = kind_colour(edge.kind)
    return (f"  {ids[edge.source]} -> {ids[edge.target]} " + _attrs(
        color=colour if edge.cut else colour + INTERNAL_ALPHA,
        penwidth=penwidth(edge.weight, view.max_weight),
        tooltip=f"{edge.source} → {edge.target}: {edge.summary}",
    ) + ";")


def service_graph_dot(view: ModelGraphView, *, graph_id: str) -> str:
    """One service's models grouped by app; cut relations end at grey stub nodes."""
    used = {edge.kind for edge in view.edges}
    legend = [(_line(INK, glyph), caption) for kind, glyph, caption in (
        (RelationKind.FOREIGN_KEY, "─▶", "foreign key"),
        (RelationKind.ONE_TO_ONE, "─┤▶", "one-to-one"),
        (RelationKind.MANY_TO_MANY, "─<▶", "many-to-many"),
    ) if kind in used]
    if any(edge.parent_link for edge in view.edges):
        legend.append((_line(INK, "─▷"), "multi-table parent"))
    if view.stubs:
        legend.append((_line(MUTED, "┄┄"), "crosses the service border (grey: other service)"))
    lines = _header(f"service {view.service}", graph_id, "TB", _legend(legend))
    lines.insert(2, "  compound=true;")
    ids = node_ids([n.id for _, nodes in view.groups for n in nodes]
                   + [n.id for n in view.stubs])
    names = node_ids((app for app, _ in view.groups), prefix="cluster_app_")
    for index, (app, nodes) in enumerate(view.groups, start=1):
        if app:
            lines.append(f"  subgraph {names[app]} {{")
            lines.append(f"    id={quote(f'{graph_id}_cluster{index}')};")
            lines.append("    graph " + _attrs(label=HtmlLabel(f"<B>{_h(app)}</B>"),
                                               style="rounded", labelloc="t", labeljust="l",
                                               color=SERVICE_BORDER, fontsize="12") + ";")
        indent = "    " if app else "  "
        lines.extend(f"{indent}{ids[node.id]} {_model_node_attrs(node)};" for node in nodes)
        if app:
            lines.append("  }")
    lines.extend(f"  {ids[node.id]} {_model_node_attrs(node)};" for node in view.stubs)
    lines.extend(_model_edge(edge, ids) for edge in view.edges if not edge.cut)
    app_of = {n.id: app for app, nodes in view.groups for n in nodes if app}
    lines.extend(_folded_cuts(view, ids, app_of, names))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _folded_cuts(view: ModelGraphView, ids: dict[str, str], app_of: dict[str, str],
                 names: dict[str, str]) -> list[str]:
    """Cut relations folded to one edge per (app box, stub, direction), drawn from the box's
    border: twenty models pointing at one user model are one line, not twenty side by side."""
    folded: dict[tuple[str, str, bool], list[ModelEdge]] = defaultdict(list)
    for edge in view.edges:
        if not edge.cut:
            continue
        outward = edge.source in app_of
        own, stub = (edge.source, edge.target) if outward else (edge.target, edge.source)
        folded[(app_of.get(own, own), stub, outward)].append(edge)
    lines = []
    for (app, stub, outward), edges in sorted(folded.items()):
        first = min(e.source if outward else e.target for e in edges)
        count = sum(e.count for e in edges)
        label = f"{count} relation{'s' if count > 1 else ''}"
        ends = {"ltail" if outward else "lhead": names[app][1:-1]} if app in names else {}
        source, target = (first, stub) if outward else (stub, first)
        lines.append(f"  {ids[source]} -> {ids[target]} " + _attrs(
            label=label, style="dashed", color=MUTED, fontcolor=MUTED,
            arrowhead="normal", **ends) + ";")
    return lines


def _model_node_attrs(node: ModelNode) -> str:
    if node.hidden:
        return _attrs(label=node.name, shape="note",
                      style="dashed", color=MUTED, fontcolor=MUTED)
    if node.stub:
        where = ("outside every service" if node.owner is None else
                 f"{node.app} · in {node.owner}")
        names = "<BR/>".join(_h(line) for line in node.name.splitlines())
        return _attrs(label=HtmlLabel(f'<FONT POINT-SIZE="9">{_h(where)}</FONT><BR/>{names}'),
                      style="rounded,dashed,filled", fillcolor="#F1F5F9", color=MUTED,
                      fontcolor="#64748B", tooltip=f"{node.id}: {where}")
    return _attrs(label=HtmlLabel(f"<B>{_h(node.name)}</B>"), tooltip=node.id)


def _model_edge(edge: ModelEdge, ids: dict[str, str]) -> str:
    arrow = ("empty" if edge.parent_link else "normal" if edge.kind is None  # folded: mixed
             else RELATION_ARROWS.get(edge.kind, "normal"))
    return (f"  {ids[edge.source]} -> {ids[edge.target]} "
            + _attrs(label=edge.label, arrowhead=arrow, color="#475569") + ";")
