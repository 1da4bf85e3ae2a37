"""The proposal on a hand-built shop: kernel apart, business clusters found, constraints kept."""

import random

import pytest

from analyzer.boundaries import propose
from analyzer.boundaries.appgraph import AppGraph
from analyzer.boundaries.cost import DEFAULT_COST, CostModel
from analyzer.boundaries.weights import resolve_weights
from benchmarks.partitions import set_partitions
from decompose.config import AppGroup, BoundarySettings, ServicePin
from decompose.errors import ConstraintError
from decompose.model.graph import ProjectGraph
from decompose.serialize import dumps
from tests.analyzer.boundaries.tools import SETTINGS, project, shop, small_project


def groups(boundaries):
    return {s.name: set(s.apps) for s in boundaries.services}


def together(boundaries, *apps):
    return len({boundaries.service_of(a).name for a in apps}) == 1


def test_no_apps_no_services():
    result = propose(project([]), SETTINGS)
    assert result.services == () and result.metrics.services == 0


def test_single_app_is_one_service():
    result = propose(project(["blog"]), SETTINGS)
    assert groups(result) == {"blog": {"blog"}}
    assert not result.decision.split


def test_shop_proposal():
    """9 business tables: the cheapest grouping inside the size band (no service above half
    the tables) is 3 services; kernel = user model + shared code."""
    result = propose(shop(), SETTINGS)
    assert result.shared_kernel == ("accounts", "core")
    assert {r.app: r.role for r in result.roles if r.role != "business"} == {
        "accounts": "identity", "core": "library"}
    kernel = result.service("kernel")
    assert kernel.kernel and set(kernel.apps) == {"accounts", "core"}
    assert together(result, "orders", "payments", "inventory")  # the checkout transaction
    assert not together(result, "orders", "catalog")
    assert result.decision.split and "cost 3.4" in result.method
    # total cost = 3 business FKs + 0 transactions + 0.2 x 2 reads
    m = result.metrics
    assert (m.business_fks, m.distributed_transactions, m.orm_reads, m.cost) == (3, 0, 2, 3.4)
    assert m.cost < result.baselines["per-app"].cost
    assert m.cost < result.baselines["data-centric"].cost
    assert result.table_owners["orders_order"] == result.service_of("orders").name
    assert sorted(result.table_owners) == sorted(t for s in result.services for t in s.tables)


def test_every_other_grouping_in_the_band_costs_at_least_as_much():
    """Exhaustive check on the shop: no grouping of its 7 business apps into services with
    at most half the tables each costs less than the proposal."""
    result = propose(shop(), SETTINGS)
    app_graph = AppGraph(shop(), resolve_weights({}))
    cost_model = CostModel(app_graph, DEFAULT_COST)
    business = ["catalog", "inventory", "legal", "orders", "payments", "reviews", "shipping"]
    tables = app_graph.models_per_app
    kernel = frozenset({"accounts", "core"})
    best = None
    for part in set_partitions(business):
        if len(part) < 2 or max(sum(tables[a] for a in g) for g in part) > 4.5:
            continue
        service_of = {"accounts": "k", "core": "k"}
        service_of.update({app: str(i) for i, g in enumerate(part) for app in g})
        cost = cost_model.measure(service_of, kernel).cost
        best = cost if best is None else min(best, cost)
    assert result.metrics.cost == best


def test_shop_data_ownership():
    result = propose(shop(), SETTINGS)
    assert result.distributed_transactions == ()  # the checkout scope stays in one service
    apart = propose(shop(), BoundarySettings(keep_apart=(AppGroup(("orders", "inventory"),
                                                                  "--ka"),)))
    (checkout,) = apart.distributed_transactions
    assert checkout.name == "orders.services.checkout" and checkout.context == "request"
    sales = result.service_of("orders")
    assert ("orders", "catalog", "relation") in {
        (c.source, c.target, c.kind.value) for c in sales.outbound}
    assert all(c.locations for c in sales.outbound)


def test_extraction_order_from_data_edges():
    order = propose(shop(), SETTINGS).extraction_order
    assert order[-1].service == "kernel"
    assert order[0].service == "legal" and order[0].inbound == 0
    assert "no other service holds a foreign key" in order[0].reason
    catalog = next(s for s in order if s.service == "catalog")
    assert catalog.inbound_fks == ("inventory.Stock.fk_catalog_product -> catalog.Product",
                                   "orders.Line.fk_catalog_product -> catalog.Product")
    assert [s.rank for s in order] == list(range(1, len(order) + 1))


def test_placements_explain_each_app_with_the_next_best_cost():
    result = propose(shop(), SETTINGS)
    placed = {p.app: p for s in result.services for p in s.placements}
    assert set(placed) == {a.label for a in shop().own_apps}
    assert "shared code, kernel" in placed["core"].reason
    assert "holds the user model" in placed["accounts"].reason
    payments = placed["payments"]
    assert (payments.next_best, payments.move_fks, payments.move_transactions) == (
        "catalog", 1, 1)
    assert "moving it to 'catalog' would change business FKs by +1" in payments.reason
    assert "above the size band" in placed["shipping"].reason  # cheaper, but too large
    assert all("grouping as a whole" not in p.reason for p in placed.values())


def test_keep_together_is_honoured():
    settings = BoundarySettings(keep_together=(AppGroup(("orders", "reviews"), "--kt"),))
    result = propose(shop(), settings)
    assert together(result, "orders", "reviews")
    assert "kept with reviews by --kt" in next(
        p.reason for p in result.service_of("orders").placements if p.app == "orders")


def test_keep_apart_is_honoured():
    settings = BoundarySettings(keep_apart=(AppGroup(("orders", "payments"), "--ka"),))
    result = propose(shop(), settings)
    assert not together(result, "orders", "payments")
    three = BoundarySettings(keep_apart=(AppGroup(("orders", "payments", "catalog"), "--ka"),))
    result = propose(shop(), three)  # two services cannot hold it: the search starts at 3
    assert len({result.service_of(a).name for a in ("orders", "payments", "catalog")}) == 3
    assert "--ka" in result.method


def test_pins_name_services_and_keep_them_apart():
    pins = (ServicePin("sales", ("orders",), "services.sales"),
            ServicePin("money", ("payments",), "services.money"))
    result = propose(shop(), BoundarySettings(pins=pins))
    assert result.service_of("orders").name == "sales"
    assert result.service_of("payments").name == "money"


def test_service_count():
    for count in (1, 2, 4, 7):
        result = propose(shop(), BoundarySettings(services=count))
        business = [s for s in result.services if not s.kernel]
        assert len(business) == count
        assert result.decision.split is (count > 1)


def test_small_project_is_not_split():
    """Below 8 business tables the answer is one service plus the kernel, with why."""
    small = small_project()
    result = propose(small, SETTINGS)
    assert not result.decision.split
    assert "3 business tables" in result.decision.reason
    assert "--services N" in result.decision.would_change
    assert groups(result) == {"blog": {"blog", "comments"}, "kernel": {"accounts"}}
    forced = propose(small, BoundarySettings(services=2))
    assert len([s for s in forced.services if not s.kernel]) == 2


def test_roles_are_overridable():
    settings = BoundarySettings(roles={"core": "business", "legal": "kernel"})
    result = propose(shop(), settings)
    roles = {r.app: r for r in result.roles}
    assert roles["legal"].role == "kernel" and roles["legal"].overridden
    assert "legal" in result.shared_kernel and "core" not in result.shared_kernel


def test_explicit_kernel_replaces_detection():
    result = propose(shop(), BoundarySettings(shared_kernel=("core",)))
    assert result.shared_kernel == ("core",)
    result = propose(shop(), BoundarySettings(shared_kernel=()))
    assert result.shared_kernel == () and not any(s.kernel for s in result.services)


@pytest.mark.parametrize(("settings", "message"), [
    (BoundarySettings(keep_together=(AppGroup(("orders", "nope"), "--keep-together x"),)),
     "--keep-together x: 'nope' is not one of the project's own apps"),
    (BoundarySettings(keep_together=(AppGroup(("orders", "payments"), "--kt o,p"),),
                      keep_apart=(AppGroup(("orders", "payments"), "--ka o,p"),)),
     "--ka o,p cannot hold"),
    (BoundarySettings(pins=(ServicePin("x", ("orders",), "services.x"),
                            ServicePin("y", ("payments",), "services.y")),
                      keep_together=(AppGroup(("orders", "payments"), "--kt o,p"),)),
     "--kt o,p cannot hold"),
    (BoundarySettings(services=8), "--services 8 cannot hold: only 7 groups"),
    (BoundarySettings(roles={"nope": "layer"}), "roles: 'nope' is not one of the project's"),
    (BoundarySettings(services=1, keep_apart=(AppGroup(("orders", "catalog"), "--ka o,c"),)),
     "--services 1 cannot hold together with --ka o,c"),
    (BoundarySettings(services=1, pins=(ServicePin("x", ("orders",), "services.x"),
                                        ServicePin("y", ("catalog",), "services.y"))),
     "--services 1 cannot hold: the services table pins 2 distinct services"),
    (BoundarySettings(shared_kernel=("core",),
                      keep_together=(AppGroup(("core", "orders"), "--kt c,o"),)),
     "shared_kernel: 'core' is also named"),
])
def test_impossible_constraints_are_errors_naming_them(settings, message):
    with pytest.raises(ConstraintError) as caught:
        propose(shop(), settings)
    assert message in str(caught.value)


def shuffled(graph: ProjectGraph, seed: int) -> ProjectGraph:
    rng = random.Random(seed)

    def mix(items):
        items = list(items)
        rng.shuffle(items)
        return tuple(items)

    return ProjectGraph(graph.settings_module, mix(graph.apps), mix(graph.models),
                        mix(graph.dependencies), mix(graph.urls), mix(graph.write_scopes))


def test_byte_identical_across_runs_and_input_orderings():
    first = dumps(propose(shop(), SETTINGS))
    assert dumps(propose(shop(), SETTINGS)) == first
    for seed in range(5):
        assert dumps(propose(shuffled(shop(), seed), SETTINGS)) == first
