"""The proposal on sample_monolith, from the real static analyzer's graph."""

from pathlib import Path

import pytest

from analyzer.boundaries import load_assignment, propose, rescore
from analyzer.pipeline import build_graph
from decompose.config import ConfigSource, boundary_settings
from decompose.serialize import dumps

SAMPLE = Path(__file__).resolve().parents[3] / "sample_monolith"


@pytest.fixture(scope="module")
def graph():
    return build_graph(SAMPLE, use_cache=False, jobs=1)


@pytest.fixture(scope="module")
def proposal(graph):
    return propose(graph, boundary_settings(ConfigSource(None)))


def service(boundaries, app):
    return boundaries.service_of(app).name


def test_grouping_a_django_engineer_expects(proposal):
    """17 business tables; the cheapest grouping with no service above half of them: the
    order flow, the catalogue side, and inventory (StockItem, Reservation) on its own."""
    assert proposal.shared_kernel == ("accounts", "core")
    roles = {r.app: r.role for r in proposal.roles if r.role != "business"}
    assert roles == {"accounts": "identity", "core": "library", "analytics": "layer",
                     "demo": "layer"}
    assert service(proposal, "orders") == service(proposal, "payments") == \
        service(proposal, "shipping") == service(proposal, "notifications")
    assert service(proposal, "catalog") == service(proposal, "promotions") == \
        service(proposal, "reviews")
    assert service(proposal, "orders") != service(proposal, "catalog")
    assert service(proposal, "analytics") == service(proposal, "orders")  # layer: reads orders
    assert proposal.decision.split
    assert proposal.service("kernel").kernel


def test_cheaper_in_data_than_the_baselines(proposal):
    """Compared on totals: business FKs, distributed transactions, weighted cost."""
    mine = proposal.metrics
    for name in ("per-app", "data-centric"):
        other = proposal.baselines[name]
        assert mine.business_fks <= other.business_fks
        assert mine.distributed_transactions <= other.distributed_transactions
        assert mine.cost < other.cost
    assert (mine.business_fks, mine.distributed_transactions) == (3, 0)


@pytest.mark.parametrize("option", ["keep_together", "keep_apart"])
def test_orders_payments_constraints(graph, option):
    settings = boundary_settings(ConfigSource(None), **{option: ["orders,payments"]})
    result = propose(graph, settings)
    same = service(result, "orders") == service(result, "payments")
    assert same is (option == "keep_together")


def test_every_table_has_one_owner(proposal):
    owned = [t for s in proposal.services for t in s.tables]
    assert len(owned) == len(set(owned)) == len(proposal.table_owners)


def test_rescore_round_trip_and_determinism(graph, proposal, tmp_path):
    text = dumps(proposal)
    assert dumps(propose(build_graph(SAMPLE, use_cache=False, jobs=1),
                         boundary_settings(ConfigSource(None)))) == text
    path = tmp_path / "boundaries.json"
    path.write_text(text)
    assert rescore(graph, load_assignment(path), boundary_settings(ConfigSource(None))).metrics \
        == proposal.metrics
