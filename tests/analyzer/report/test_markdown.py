from __future__ import annotations

import dataclasses
import re

from analyzer.report import render_reports
from analyzer.report.appgraph import build_app_view
from analyzer.report.mermaid import app_flowchart
from decompose.model import App, Dependency, DependencyKind, ProjectGraph
from tests.analyzer.report.shop import shop_boundaries, shop_graph

NODE = re.compile(r'    (n\d+)(\["[^"]*"\]|\[/"[^"]*"/\])')
EDGE = re.compile(r'  (n\d+) (-->\|"[^"|]*"\||-\.->) (n\d+)')
SUBGRAPH = re.compile(r'  subgraph (s\d+)\["[^"]*"\]')
STYLE = re.compile(r"  style (s\d+) [\w-]+:[^ ]+(,[\w-]+:[^,]+)*")
LINK_STYLE = re.compile(r"  linkStyle (\d+) stroke:#[0-9A-F]{6},stroke-width:[\d.]+px")


def check_flowchart(text: str) -> tuple[set[str], int]:
    """Every line is one of the few statements we emit, well nested, with declared ids."""
    lines = text.splitlines()
    assert lines[0] == "flowchart TB"
    nodes, subgraphs, edges, depth = set(), set(), 0, 0
    for line in lines[1:]:
        if m := SUBGRAPH.fullmatch(line):
            assert depth == 0
            depth, _ = 1, subgraphs.add(m.group(1))
        elif line == "  end":
            assert depth == 1
            depth = 0
        elif m := NODE.fullmatch(line):
            assert depth == 1
            nodes.add(m.group(1))
        elif m := EDGE.fullmatch(line):
            assert {m.group(1), m.group(3)} <= nodes
            edges += 1
        elif m := STYLE.fullmatch(line):
            assert m.group(1) in subgraphs
        elif m := LINK_STYLE.fullmatch(line):
            assert int(m.group(1)) < edges
        else:
            raise AssertionError(f"not a Mermaid statement we emit: {line!r}")
    assert depth == 0
    return nodes, edges


def test_flowchart_syntax(shop):
    graph, boundaries = shop
    view = build_app_view(graph, boundaries)
    nodes, edges = check_flowchart(app_flowchart(view))
    assert len(nodes) == 10 and edges == len(view.edges)


def test_flowchart_escapes_odd_labels():
    odd = 'a"b#c<d>|e'
    graph = ProjectGraph("s", (App(odd, odd, None, False), App("x", "x", None, False)), (),
                         (Dependency(odd, "x", DependencyKind.URL, 1),))
    base = shop_boundaries(shop_graph())
    boundaries = dataclasses.replace(base, shared_kernel=(), services=(
        dataclasses.replace(base.services[0], name=odd, apps=(odd,)),
        dataclasses.replace(base.services[0], name="x", apps=("x",))))
    text = app_flowchart(build_app_view(graph, boundaries))
    check_flowchart(text)
    assert '["a#quot;b#35;c#lt;d#gt;|e"]' in text


def test_markdown_report_holds_the_facts(shop, tmp_path):
    graph, boundaries = shop
    render_reports(graph, boundaries, tmp_path, frozenset({"md"}))
    text = (tmp_path / "report.md").read_text()
    flowchart = re.search(r"```mermaid\n(.*?)```", text, re.DOTALL)
    assert flowchart
    check_flowchart(flowchart.group(1))
    for service in boundaries.services:
        assert re.search(rf"^#### {service.name}\b", text, re.MULTILINE)
    assert "orders/services.py:31, orders/services.py:44" in text
    assert "`orders.services.place_order`" in text
    assert "**Dependency cycle:** orders ⇄ payments" in text
    # every table row has as many cells as its header
    for table in re.findall(r"((?:^\|.*\|\n)+)", text, re.MULTILINE):
        rows = table.splitlines()
        widths = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
        assert len(widths) == 1, rows
