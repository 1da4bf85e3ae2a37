"""The proposal on a hand-built shop: kernel apart, business clusters found, constraints kept."""

import random

import pytest

from analyzer.boundaries import propose
from decompose.config import AppGroup, BoundarySettings, ServicePin
from decompose.errors import ConstraintError
from decompose.model.graph import ProjectGraph
from decompose.serialize import dumps
from tests.analyzer.boundaries.tools import SETTINGS, project, shop


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


def test_shop_proposal():
    result = propose(shop(), SETTINGS)
    assert result.shared_kernel == ("accounts", "core")
    kernel = result.service("kernel")
    assert kernel.kernel and set(kernel.apps) == {"accounts", "core"}
    assert together(result, "orders", "payments", "shipping")
    assert together(result, "catalog", "inventory", "reviews")
    assert not together(result, "orders", "catalog")
    assert groups(result)["legal"] == {"legal"}  # no edges: its own service
    assert result.metrics.modularity > result.baselines["per-app"].modularity
    assert result.metrics.modularity > result.baselines["data-centric"].modularity
    # every table has exactly one owner and it is the service holding the model's app
    assert result.table_owners["orders_order"] == result.service_of("orders").name
    assert sorted(result.table_owners) == sorted(t for s in result.services for t in s.tables)


def test_shop_data_ownership():
    result = propose(shop(), SETTINGS)
    (checkout,) = result.distributed_transactions
    assert checkout.name == "orders.services.checkout"
    assert set(checkout.services) == {result.service_of("orders").name,
                                      result.service_of("inventory").name}
    sales = result.service_of("orders")
    assert {(c.source, c.target, c.kind.value) for c in sales.outbound} >= {
        ("orders", "catalog", "relation"), ("orders", "inventory", "orm")}
    assert all(c.locations for c in sales.outbound)


def test_extraction_order_puts_kernel_last_and_leaf_first():
    order = propose(shop(), SETTINGS).extraction_order
    assert order[-1].service == "kernel"
    assert order[0].inbound == 0 and "no other service depends on it" in order[0].reason
    assert [s.rank for s in order] == list(range(1, len(order) + 1))


def test_placements_explain_each_app():
    result = propose(shop(), SETTINGS)
    reasons = {p.app: p.reason for s in result.services for p in s.placements}
    assert set(reasons) == {a.label for a in shop().own_apps}
    assert reasons["core"].startswith("shared kernel")
    assert "holds the user model" in reasons["accounts"]
    assert "payments (orm x5, relation x1" in reasons["orders"]


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
