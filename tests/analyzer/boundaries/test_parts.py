"""Baselines, extraction order and split suggestions on hand-built graphs."""

from analyzer.boundaries import baselines
from analyzer.boundaries.appgraph import AppGraph
from analyzer.boundaries.order import extraction_order
from analyzer.boundaries.ownership import table_owners
from analyzer.boundaries.split import split_suggestions
from analyzer.boundaries.weights import resolve_weights
from tests.analyzer.boundaries.tools import dep, model, project, relation_deps, shop


def app_graph(graph):
    return AppGraph(graph, resolve_weights({}))


def test_per_app_and_monolith():
    graph = app_graph(shop())
    assert len(baselines.per_app(graph)) == 9
    assert baselines.monolith(graph).services == (("monolith", graph.apps),)


def test_data_centric_follows_foreign_keys_only():
    models = [model("a.A", "b.B"), model("b.B"), model("c.C", "d.D"), model("d.D")]
    # heavy code coupling between b and c must not matter to the data-centric grouping
    graph = project(["a", "b", "c", "d", "e"], models,
                    [*relation_deps(models), dep("b", "c", "orm", 50), dep("e", "c", "orm")])
    grouping = baselines.data_centric(app_graph(graph), seed=42)
    assert sorted(grouping.groups) == [("a", "b"), ("c", "d", "e")]  # e: no models, joins c


def test_table_owners_include_join_tables():
    graph = project(["a"], [model("a.Tag"), model("a.Post", m2m=("a.Tag",))])
    owners = table_owners(app_graph(graph), {"a": "blog"})
    assert owners == {"a_post": "blog", "a_post_m2m_a_tag": "blog", "a_tag": "blog"}


def test_extraction_order_from_data_edges_only():
    """a -FK-> b, b -ORM-> c, c -ORM-> b (a cycle), everyone imports k; a -import-> c is no
    data edge. Kernel last; a first (nothing points at it); the cycle b/c named."""
    models = [model("a.A", "b.B"), model("b.B"), model("c.C"), model("k.K")]
    graph = project(["a", "b", "c", "k"], models, [
        *relation_deps(models), dep("b", "c", "orm"), dep("c", "b", "orm"),
        dep("a", "c", "import", 9), *(dep(x, "k", "import") for x in "abc")])
    order = extraction_order(app_graph(graph), {x: x for x in "abck"}, frozenset({"k"}), ())
    assert [(s.service, s.inbound) for s in order] == [("a", 0), ("c", 1), ("b", 2), ("k", 0)]
    assert order[1].cycle == ("b",) and "cycle of data edges with b" in order[1].reason
    assert order[2].inbound_fks == ("a.A.fk_b_b -> b.B",)
    assert order[0].cycle == () and "shared kernel" in order[-1].reason


def test_split_suggestion_for_large_loosely_knit_app():
    cms = [model("shop.Page", "shop.Site"), model("shop.Site"), model("shop.Menu", "shop.Site"),
           model("shop.Block", "shop.Page")]
    billing = [model("shop.Invoice", "shop.Customer"), model("shop.Customer"),
               model("shop.Line", "shop.Invoice"), model("shop.Tax", "shop.Line")]
    (suggestion,) = split_suggestions(app_graph(project(["shop"], cms + billing)), seed=42)
    assert suggestion.app == "shop"
    assert sorted(suggestion.groups) == [
        ("shop.Block", "shop.Menu", "shop.Page", "shop.Site"),
        ("shop.Customer", "shop.Invoice", "shop.Line", "shop.Tax")]


def test_no_split_for_small_or_tightly_knit_apps():
    hub = [model("shop.Order")] + [model(f"shop.M{i}", "shop.Order") for i in range(8)]
    assert split_suggestions(app_graph(project(["shop"], hub)), seed=42) == ()
    small = [model("shop.A", "shop.B"), model("shop.B"), model("shop.C")]
    assert split_suggestions(app_graph(project(["shop"], small)), seed=42) == ()
