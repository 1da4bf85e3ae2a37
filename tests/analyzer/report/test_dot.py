from __future__ import annotations

import dataclasses
import random
import re
import subprocess

from analyzer.report.appgraph import build_app_view
from analyzer.report.dot import app_graph_dot, quote, service_graph_dot
from analyzer.report.modelgraph import build_model_view
from analyzer.report.palette import KERNEL_BORDER, MUTED, kind_colour
from decompose.model import (
    App,
    Boundaries,
    Dependency,
    DependencyKind,
    Location,
    ProjectGraph,
)
from tests.analyzer.report.shop import shop_boundaries, shop_graph


def layout(dot_text: str) -> str:
    """Run the real Graphviz: a DOT syntax error fails the test here."""
    done = subprocess.run(["dot", "-Tsvg"], input=dot_text, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def all_dots(graph: ProjectGraph, boundaries: Boundaries) -> list[str]:
    return [app_graph_dot(build_app_view(graph, boundaries))] + [
        service_graph_dot(build_model_view(graph, boundaries, s), graph_id=s.name)
        for s in sorted(boundaries.services, key=lambda s: s.name)]


def shuffled(graph: ProjectGraph, boundaries: Boundaries, seed: int
             ) -> tuple[ProjectGraph, Boundaries]:
    """The same facts in another order, as another file-system walk would produce them."""
    rng = random.Random(seed)

    def mix(items):
        items = list(items)
        rng.shuffle(items)
        return tuple(items)

    graph = dataclasses.replace(graph, apps=mix(graph.apps), models=mix(
        dataclasses.replace(m, relations=mix(m.relations)) for m in graph.models),
        dependencies=mix(graph.dependencies))
    services = mix(dataclasses.replace(s, apps=mix(s.apps), models=mix(s.models),
                                       inbound=mix(s.inbound), outbound=mix(s.outbound))
                   for s in boundaries.services)
    return graph, dataclasses.replace(boundaries, services=services,
                                      shared_kernel=mix(boundaries.shared_kernel))


def test_empty_proposal_is_a_valid_graph():
    graph = ProjectGraph("config.settings", (), (), ())
    boundaries = dataclasses.replace(shop_boundaries(shop_graph()), services=(),
                                     shared_kernel=())
    text = app_graph_dot(build_app_view(graph, boundaries))
    assert "subgraph" not in text and "->" not in text
    assert "<svg" in layout(text)


def test_dot_is_byte_identical_across_runs_and_input_orders(shop):
    graph, boundaries = shop
    expected = all_dots(graph, boundaries)
    assert all_dots(graph, boundaries) == expected
    for seed in range(5):
        assert all_dots(*shuffled(graph, boundaries, seed)) == expected


def test_services_are_clusters_and_kernel_is_drawn_apart(shop):
    graph, boundaries = shop
    text = app_graph_dot(build_app_view(graph, boundaries))
    clusters = re.findall(r'subgraph "cluster_([^"]+)" \{(.*?)\n  \}', text, re.DOTALL)
    assert [name for name, _ in clusters] == ["catalog", "inventory", "orders", "payments",
                                              "kernel"]
    body = dict(clusters)
    assert all(f'"{app}" [' in body["orders"] for app in ("orders", "shipping", "notifications"))
    assert "dashed" in body["kernel"] and KERNEL_BORDER in body["kernel"]
    assert "dashed" not in body["orders"]
    svg = layout(text)
    assert svg.count('class="cluster"') == 5


def test_edge_colour_is_the_dominant_kind_and_width_the_weight(shop):
    graph, boundaries = shop
    text = app_graph_dot(build_app_view(graph, boundaries))
    # orders -> inventory: import x1 (weight 1) and orm x2 (weight 3 each): orm dominates.
    edge = re.search(r'"orders" -> "inventory" \[color="([^"]+)", penwidth=([\d.]+)', text)
    assert edge and edge.group(1) == kind_colour(DependencyKind.ORM)
    widths = [float(w) for w in re.findall(r"penwidth=([\d.]+), tooltip", text)]
    assert max(widths) == 6.0 and min(widths) >= 1.0
    # an edge inside one service is drawn faded (alpha appended to the colour)
    assert re.search(r'"shipping" -> "orders" \[color="#[0-9A-F]{6}59"', text)
    for style in ("relation", "import", "signal"):
        assert f"{style} \u00d7" in text  # the legend names each kind drawn with its weight


def test_model_graph_draws_cut_relations_to_grey_stubs(shop):
    graph, boundaries = shop
    text = service_graph_dot(build_model_view(graph, boundaries, boundaries.service("orders")),
                             graph_id="orders")
    assert re.search(r'"orders.OrderLine" -> "orders.Order" \[label="order", '
                     r'arrowhead="normal", color="#475569"\]', text)
    # cut relations fold to one edge per (app box, other app), drawn from the box's border
    cut = re.search(r'"orders.OrderLine" -> "\+app:catalog" \[(.*?)\];', text)
    assert cut and 'style="dashed"' in cut.group(1) and MUTED in cut.group(1)
    assert 'label="1 relation"' in cut.group(1) and 'ltail="cluster_app_orders"' in cut.group(1)
    assert re.search(r'"orders.Order" -> "\+app:accounts" \[label="2 relations"', text)
    stub = re.search(r'"\+app:catalog" \[(.*?)\];', text)
    assert stub and "dashed" in stub.group(1) and "catalog · in catalog" in stub.group(1)
    assert "<BR/>Product>" in stub.group(1)  # the models referenced, one per line
    # inbound cut: payments.Payment.order points into this service
    assert re.search(r'"\+app:payments" -> "orders.Order" \[.*lhead="cluster_app_orders"', text)
    assert '"payments.Refund"' not in text  # unrelated models of other services stay out
    layout(text)


def big_project(apps: int, services: int) -> tuple[ProjectGraph, Boundaries]:
    graph = shop_graph()
    labels = [f"app{i:03d}" for i in range(apps)]
    deps = tuple(Dependency(labels[i], labels[(i * 7 + 3) % apps], DependencyKind.IMPORT,
                            1 + i % 5, (Location(f"app{i:03d}/x.py", 1),))
                 for i in range(apps))
    graph = ProjectGraph("config.settings", tuple(App(a, a, a, False) for a in labels), (),
                         deps)
    base = shop_boundaries(shop_graph())
    template = base.services[0]
    boundaries = dataclasses.replace(base, shared_kernel=(), services=tuple(
        dataclasses.replace(template, name=f"svc{s}", apps=tuple(labels[s::services]),
                            models=(), kernel=False) for s in range(services)))
    return graph, boundaries


def test_node_count_is_capped_before_graphviz():
    graph, boundaries = big_project(apps=300, services=6)
    view = build_app_view(graph, boundaries, max_nodes=40, max_edges=80)
    assert view.hidden_apps == 260
    shown = [n for c in view.clusters for n in c.nodes]
    assert sum(1 for n in shown if not n.hidden) == 40
    assert sum(n.hidden for n in shown) == 260  # "+K more" nodes account for every app
    assert len(view.edges) == 80 and view.hidden_edges > 0
    text = app_graph_dot(view)
    assert "+more:svc0" in text and re.search(r'label="\+\d+ more"', text)
    svg = layout(text)
    assert svg.count('class="node"') == len(shown)


def test_odd_names_are_escaped_and_survive_graphviz():
    odd, trailing = 'we"ird\\app <b>&', "ends\\"
    graph = ProjectGraph("s", tuple(App(a, a, None, False) for a in (odd, trailing, "plain")),
                         (), (Dependency(odd, "plain", DependencyKind.IMPORT, 2),
                              Dependency(trailing, odd, DependencyKind.SIGNAL, 1)))
    base = shop_boundaries(shop_graph())
    template = base.services[0]
    boundaries = dataclasses.replace(base, shared_kernel=(), services=(
        dataclasses.replace(template, name='svc "x" {y}', apps=(odd, trailing)),
        dataclasses.replace(template, name="plain", apps=("plain",))))
    text = app_graph_dot(build_app_view(graph, boundaries))
    assert '"plain" [' in text  # plain names stay readable ids
    svg = layout(text)
    assert ">we&quot;ird\\app &lt;b&gt;&amp;</text>" in svg
    assert 'xlink:title="we&quot;ird\\app &lt;b&gt;&amp; → plain: import 2"' in svg
    assert ">ends\\</text>" in svg
    assert ">svc &quot;x&quot; {y}</text>" in svg
    assert svg.count('class="edge"') == 2


def test_quote_escapes_for_graphviz_escape_strings():
    assert quote('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'
    assert quote("ends\\") == '"ends\\\\ "'  # DOT cannot end a string with a backslash
