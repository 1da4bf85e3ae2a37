"""Metrics on a four-app graph small enough to compute every figure by hand.

a -relation(1)-> b -relation(1)-> c -relation(1)-> d ; weights 10 each (relation), so the
undirected graph is a path a-b-c-d with weight 10 per edge, m = 30.
"""

import math

import pytest

from analyzer.boundaries.appgraph import AppGraph
from analyzer.boundaries.cost import DEFAULT_COST, CostModel
from analyzer.boundaries.metrics import score, service_metrics
from analyzer.boundaries.partition import Partition
from analyzer.boundaries.weights import resolve_weights
from decompose.model.graph import Location, UrlRoute, WriteScope
from tests.analyzer.boundaries.tools import dep, model, project, relation_deps

MODELS = [model("a.A", "b.B"), model("b.B", "c.C"), model("c.C", "d.D"), model("d.D"),
          model("d.E", m2m=("d.D",))]
SCOPES = [WriteScope("function", "b.services.place", "b", ("b.B", "c.C"), Location("b/s.py", 3)),
          WriteScope("atomic", "a.views.buy", "a", ("a.A", "b.B"), Location("a/v.py", 9))]
GRAPH = project("abcd", MODELS, relation_deps(MODELS), SCOPES)
PAIRS = Partition((("ab", ("a", "b")), ("cd", ("c", "d"))))
PER_APP = Partition(tuple((x, (x,)) for x in "abcd"))


def scored(app_graph, partition, bounds, kernel=frozenset()):
    return score(app_graph, partition, bounds, kernel, CostModel(app_graph, DEFAULT_COST))


@pytest.fixture
def app_graph():
    return AppGraph(GRAPH, resolve_weights({}))


def test_empty_project_scores_zero():
    empty = AppGraph(project([]), resolve_weights({}))
    metrics = scored(empty, Partition(()), (2, 20))
    assert (metrics.services, metrics.modularity, metrics.cross_service_fks) == (0, 0.0, 0)


def test_modularity_by_hand(app_graph):
    # Q = sum_c L_c/m - (d_c/2m)^2 = 2 * (10/30 - (30/60)^2) = 1/6
    assert scored(app_graph, PAIRS, (2, 20)).modularity == round(1 / 6, 4)
    # every app alone: Q = -sum (d_i/2m)^2 = -(2*(10/60)^2 + 2*(20/60)^2) = -10/36
    assert scored(app_graph, PER_APP, (2, 20)).modularity == round(-10 / 36, 4)


def test_structural_modularity_by_hand(app_graph):
    # scoh = 1/2^2 for both services; one edge b-c between: 1/(2*2) * 2/(2*1)
    assert scored(app_graph, PAIRS, (2, 20)).sm == 0.0
    # no cohesion; three edges between singletons: 3 * 2/(4*3)
    assert scored(app_graph, PER_APP, (2, 20)).sm == -0.5


def test_inter_call_percentage_by_hand(app_graph):
    # three calls of volume 1 (ln 1 + 1 = 1 each), one of them crosses
    assert scored(app_graph, PAIRS, (2, 20)).icp == round(1 / 3, 4)
    assert scored(app_graph, PER_APP, (2, 20)).icp == 1.0


def test_icp_damps_volume():
    graph = project("abc", deps=[dep("a", "b", "import", 3), dep("b", "c", "import", 1)])
    app_graph = AppGraph(graph, resolve_weights({}))
    split = Partition((("ab", ("a", "b")), ("c", ("c",))))
    expected = 1 / ((math.log(3) + 1) + 1)
    assert scored(app_graph, split, (2, 20)).icp == round(expected, 4)


def test_interfaces_and_cross_foreign_keys(app_graph):
    pairs = scored(app_graph, PAIRS, (2, 20))
    assert (pairs.cross_service_fks, pairs.cross_service_fks_per_service) == (1, 0.5)
    assert pairs.ifn == 0.5  # c.C is the one model another service points at
    per_app = scored(app_graph, PER_APP, (2, 20))
    assert (per_app.cross_service_fks, per_app.ifn) == (3, 0.75)


def test_non_extreme_distribution_uses_model_bounds(app_graph):
    # ab holds 2 models, cd holds 3
    assert scored(app_graph, PAIRS, (2, 20)).ned == 0.0
    assert scored(app_graph, PAIRS, (3, 20)).ned == 0.4
    assert scored(app_graph, PAIRS, (4, 20)).ned == 1.0


def test_distributed_transactions(app_graph):
    assert scored(app_graph, PAIRS, (2, 20)).distributed_transactions == 1
    assert scored(app_graph, PER_APP, (2, 20)).distributed_transactions == 2


def test_cut_weight_by_kind(app_graph):
    assert scored(app_graph, PAIRS, (2, 20)).cut_weight == {"relation": 10.0}


def test_service_metrics(app_graph):
    measured = service_metrics(app_graph, PAIRS)
    assert measured["ab"].cohesion == 0.5  # 10 inside, 10 cut
    assert measured["cd"].inbound_fks == 1 and measured["ab"].outbound_fks == 1
    assert measured["cd"].interfaces == 1 and measured["cd"].models == 3


def test_abstract_base_inheritance_weighs_as_an_import():
    models = [model("core.Base", abstract=True), model("a.A", parents=("core.Base",)),
              model("b.Child", parents=("a.A",))]
    graph = project(["a", "b", "core"], models,
                    [dep("a", "core", "inheritance"), dep("b", "a", "inheritance")])
    app_graph = AppGraph(graph, resolve_weights({}))
    assert app_graph.weight_between("a", "core") == 1.0  # abstract: code only
    assert app_graph.weight_between("a", "b") == 10.0  # multi-table: a shared table


def test_data_cost_by_hand(app_graph):
    """PAIRS cuts b.B -> c.C and splits b.services.place (writes b and c): 1 x 1 + 3 x 1."""
    metrics = scored(app_graph, PAIRS, (2, 20))
    assert (metrics.business_fks, metrics.kernel_fks, metrics.distributed_transactions,
            metrics.orm_reads, metrics.cost) == (1, 0, 1, 0, 4.0)
    assert scored(app_graph, PAIRS, (2, 20), frozenset({"c", "d"})).business_fks == 0


@pytest.mark.parametrize(("path", "offline"), [
    ("b/management/commands/fix.py", True), ("b/tests/test_x.py", True),
    ("b/test_views.py", True), ("b/importers.py", True), ("scripts/seed.py", True),
    ("b/migrations/0002_data.py", True), ("b/services.py", False), ("b/views.py", False),
])
def test_offline_transactions_are_counted_apart(path, offline):
    scopes = [WriteScope("function", "b.x.run", "b", ("b.B", "c.C"), Location(path, 4))]
    graph = AppGraph(project("abcd", MODELS, relation_deps(MODELS), scopes), resolve_weights({}))
    metrics = scored(graph, PAIRS, (2, 20))
    assert (metrics.distributed_transactions, metrics.offline_transactions) == (
        (0, 1) if offline else (1, 0))


def test_ifn_with_orm_use_and_reads():
    deps = [*relation_deps(MODELS), dep("a", "d", "orm", 3)]
    graph = AppGraph(project("abcd", MODELS, deps, SCOPES), resolve_weights({}))
    metrics = scored(graph, PAIRS, (2, 20))
    assert metrics.ifn == 0.5  # c.C referenced from ab; ab exposes nothing: (1 + 0) / 2
    assert metrics.ifn_orm == 1.0  # plus app d, queried from ab: (2 + 0) / 2
    assert metrics.orm_reads == 3


def test_bcp_entropy_by_hand():
    """Two entry points: a's view reaches a.A (and writes b.B through its scope), d's reaches
    d.D and d.E. Service ab sees one context (entropy 0); cd sees d's view on 2 models and
    nothing else (0): BCP 0. Per app, the same. Merging all into one service mixes a's view
    (2 models) and d's view (2 models): entropy 1 bit."""
    urls = (UrlRoute("/a/", "a", Location("a/urls.py", 1), view="a.views.buy"),
            UrlRoute("/d/", "d", Location("d/urls.py", 1), view="d.views.list"))
    base = project("abcd", MODELS, relation_deps(MODELS), SCOPES)
    graph = AppGraph(type(base)(base.settings_module, base.apps, base.models, base.dependencies,
                                urls=urls, write_scopes=base.write_scopes), resolve_weights({}))
    assert scored(graph, PAIRS, (2, 20)).bcp == 0.0
    whole = Partition((("all", tuple("abcd")),))
    assert scored(graph, whole, (2, 20)).bcp == 1.0
