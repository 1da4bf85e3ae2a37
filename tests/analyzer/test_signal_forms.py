"""Every way a receiver is bound (tests/fixtures/signal_forms): each is an edge at its line,
or a warning when no model name says what it listens to."""

from __future__ import annotations

import pytest

from analyzer.pipeline import build_graph
from decompose.model import DependencyKind, ProjectGraph

from .conftest import FIXTURES, REPO


@pytest.fixture(scope="module")
def graph() -> ProjectGraph:
    return build_graph(FIXTURES / "signal_forms", use_cache=False)


def test_every_binding_form_is_an_edge_at_its_line(graph):
    signals = {(d.source, d.target): [str(x) for x in d.locations]
               for d in graph.dependencies if d.kind == DependencyKind.SIGNAL}
    assert signals == {
        ("crm", "shop"): [
            "crm/apps.py:12",  # post_save.connect(..., sender=Order) in ready(), local imports
            "crm/receivers.py:40",  # module level, sender="shop.Invoice", dispatch_uid
            "crm/receivers.py:41",  # pre_save imported as before_save, positional sender
            "crm/receivers.py:42",  # order_paid.connect: shop's custom signal
            "crm/receivers.py:43",  # kernel's custom signal, which shop sends
            "crm/receivers.py:48",  # @listens(order_paid): receiver imported as listens
        ],
        ("crm", "kernel"): ["crm/receivers.py:43"],  # where the signal is defined
        ("shop", "kernel"): ["shop/views.py:14"],  # stock_changed.send_robust
        ("shop", "crm"): [
            "shop/receivers.py:10",  # post_save of "crm.Customer"
            "shop/receivers.py:16",  # crm's custom signal, sent by crm
        ],
    }


def test_receivers_no_model_name_binds_are_warned_about(graph):
    assert [(w.code, str(w.location), w.message) for w in graph.warnings] == [
        ("signal-sender-dynamic", "crm/receivers.py:45",
         "post_save receiver bound to a sender no model name spells (computed at run time): "
         "no service boundary can forward it"),
        ("signal-any-sender", "crm/receivers.py:53",
         "post_save receiver bound to every sender (the models of every app): no service "
         "boundary can forward it"),
    ]



def test_the_samples_receiver_connected_in_ready_is_an_edge():
    """sample_monolith's NotificationsConfig.ready() connects post_save of payments' Payment,
    both names imported inside ready()."""
    sample = build_graph(REPO / "sample_monolith", use_cache=False)
    signals = {(d.source, d.target): [str(x) for x in d.locations]
               for d in sample.dependencies if d.kind == DependencyKind.SIGNAL}
    assert signals == {
        ("notifications", "orders"): ["notifications/receivers.py:15",
                                      "notifications/receivers.py:24"],
        ("notifications", "payments"): ["notifications/apps.py:14"]}
    assert sample.warnings == ()
