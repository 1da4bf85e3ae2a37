"""Each binding form of tests/fixtures/signal_forms, across the cut ``extract shop`` makes:
forwarded with the signal, sender and receiver Django itself connects, or listed as not
forwardable (route refuses writes while any is left)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from analyzer.pipeline import build_graph
from decompose.model import ExtractionPlan, Location, UnforwardedReceiver
from extractor.plan import build_plan

from .projects import FIXTURES

ROOT = FIXTURES / "signal_forms"
POST_SAVE, PRE_SAVE, POST_DELETE = (f"django.db.models.signals.{name}" for name in (
    "post_save", "pre_save", "post_delete"))


@pytest.fixture(scope="module")
def record() -> ExtractionPlan:
    return build_plan(build_graph(ROOT, use_cache=False), ROOT, ["shop"]).record


def _forwarded(record: ExtractionPlan) -> list[tuple[str, str, str, str, str]]:
    return [(s.consumer, s.signal, s.sender, str(r.location), r.name)
            for s in record.signals for r in s.receivers]


def test_each_form_is_forwarded_to_the_side_whose_receiver_listens(record):
    assert _forwarded(record) == [
        ("shop", "crm.signals.customer_flagged", "", "shop/receivers.py:16",
         "shop.receivers.hold_orders"),
        ("monolith", POST_DELETE, "shop.Invoice", "crm/receivers.py:40",
         "crm.receivers.invoice_deleted"),
        ("shop", POST_SAVE, "crm.Customer", "shop/receivers.py:10",
         "shop.receivers.customer_saved"),
        ("monolith", POST_SAVE, "shop.Order", "crm/apps.py:12", "crm.receivers.order_saved"),
        ("monolith", PRE_SAVE, "shop.Order", "crm/receivers.py:41",
         "crm.receivers.order_checked"),
        ("monolith", "kernel.signals.stock_changed", "", "crm/receivers.py:43",
         "crm.receivers.restock"),
        ("monolith", "shop.signals.order_paid", "", "crm/receivers.py:42",
         "crm.receivers.paid_audit"),
        ("monolith", "shop.signals.order_paid", "", "crm/receivers.py:48", "crm.receivers.paid"),
    ]


def test_receivers_no_binding_can_forward_are_listed_counted_and_block_routing(record):
    assert record.unforwarded == (
        UnforwardedReceiver(Location("crm/receivers.py", 45),
                            "post_save receiver bound to a sender no model name spells "
                            "(computed at run time): no service boundary can forward it"),
        UnforwardedReceiver(Location("crm/receivers.py", 53),
                            "post_save receiver bound to every sender (the models of every "
                            "app): no service boundary can forward it"))
    assert record.unwired_receivers == (Location("crm/receivers.py", 45),
                                        Location("crm/receivers.py", 53))
    assert [e for e in record.errors if "not forwarded" in e] == [
        "crm/receivers.py:45: SIGNAL RECEIVER not forwarded (post_save receiver bound to a "
        "sender no model name spells (computed at run time): no service boundary can forward "
        "it): will NOT fire for what the other side does",
        "crm/receivers.py:53: SIGNAL RECEIVER not forwarded (post_save receiver bound to every "
        "sender (the models of every app): no service boundary can forward it): will NOT fire "
        "for what the other side does"]


_PROBE = textwrap.dedent("""
    import json, sys
    sys.path.insert(0, sys.argv[1])
    import django
    django.setup()
    from django.db.models.signals import post_delete, post_save, pre_save
    from crm.signals import customer_flagged
    from kernel.signals import stock_changed
    from shop.signals import order_paid

    signals = {"django.db.models.signals.post_save": post_save,
               "django.db.models.signals.pre_save": pre_save,
               "django.db.models.signals.post_delete": post_delete,
               "crm.signals.customer_flagged": customer_flagged,
               "kernel.signals.stock_changed": stock_changed,
               "shop.signals.order_paid": order_paid}
    senders = {}
    from django.apps import apps
    for model in apps.get_models():
        senders[id(model)] = model._meta.label
    found = []
    for path, signal in signals.items():
        for (_, sender_key), ref, *_ in signal.receivers:
            func = ref() if callable(ref) and not hasattr(ref, "__code__") else ref
            if func.__module__.startswith(("crm.", "shop.")):
                found.append([path, senders.get(sender_key, ""), func.__module__ + "."
                              + func.__qualname__])
    print(json.dumps(sorted(found)))
""")


def test_django_connects_what_the_plan_forwards(record):
    """Django booted on the fixture (in a subprocess): every forwarded binding is one it
    connects, and the only receivers it connects that the plan does not forward are the two
    listed as unforwardable (bound per model at run time, and to every sender)."""
    run = subprocess.run([sys.executable, "-c", _PROBE, str(ROOT)], capture_output=True,
                         text=True, check=True, cwd=ROOT,
                         env={"DJANGO_SETTINGS_MODULE": "config.settings", "PATH": ""})
    connected = {tuple(binding) for binding in json.loads(run.stdout)}
    forwarded = {(signal, sender, name) for _, signal, sender, _, name in _forwarded(record)}
    assert forwarded <= connected
    assert connected - forwarded == {
        (POST_SAVE, "", "crm.receivers.touched"),
        (POST_SAVE, "shop.Invoice", "crm.receivers.saved_anything"),
        (POST_SAVE, "shop.Order", "crm.receivers.saved_anything")}
