"""Issue 15: which signals cross the cut, what each side is told, and the routing guard."""

from __future__ import annotations

import ast
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.pipeline import build_graph
from decompose.errors import DecomposeError
from decompose.model import (
    ExtractionPlan,
    ForwardedSignal,
    InboundCoupling,
    Level,
    Location,
    ProjectGraph,
    SignalReceiver,
    UnforwardedReceiver,
)
from decompose.paths import extraction_record
from decompose.serialize import write_json_atomic
from extractor.events import plan_forwards, render_forwarding
from extractor.plan import build_plan
from strangler.command import route

MONOLITH = Path(__file__).resolve().parents[2] / "sample_monolith"
PLACED = Location("notifications/receivers.py", 15)
STATUS = Location("notifications/receivers.py", 24)


@pytest.fixture(scope="module")
def graph() -> ProjectGraph:
    return build_graph(MONOLITH, use_cache=False)


def test_apps_without_cross_signals_forward_nothing(graph):
    record = build_plan(graph, MONOLITH, ["reviews"]).record
    assert record.signals == () and record.unwired_receivers == ()


def test_orders_forwards_its_two_signals_to_the_monolith_and_flags_the_writing_receivers(graph):
    record = build_plan(graph, MONOLITH, ["orders"]).record
    writes = ("writes rows that used to commit or roll back with the sender's; now they commit "
              "later, on their own")
    assert record.signals == (
        ForwardedSignal("django.db.models.signals.post_save", "orders.Order", "monolith", (
            SignalReceiver(STATUS, "notifications.receivers.notify_order_status_changed",
                           writes, Location("notifications/receivers.py", 35)),)),
        ForwardedSignal("orders.signals.order_placed", "", "monolith", (
            SignalReceiver(PLACED, "notifications.receivers.notify_order_placed", writes,
                           Location("notifications/receivers.py", 17)),)),
    )
    assert record.unwired_receivers == ()
    decisions = [e for e in record.errors if "now runs after the sender's commit" in e]
    assert decisions == [
        f"notifications/receivers.py:17: notifications.receivers.notify_order_placed now runs "
        f"after the sender's commit, in the monolith consumer: it {writes}",
        f"notifications/receivers.py:35: notifications.receivers.notify_order_status_changed now "
        f"runs after the sender's commit, in the monolith consumer: it {writes}"]


def test_the_receiver_connected_in_ready_is_forwarded_with_payments(graph):
    """notifications' AppConfig.ready() connects post_save of payments' Payment (its imports
    local to ready()): moving payments forwards that signal to the monolith."""
    record = build_plan(graph, MONOLITH, ["payments"]).record
    assert [(s.signal, s.sender, s.consumer, [(str(r.location), r.name) for r in s.receivers])
            for s in record.signals] == [
        ("django.db.models.signals.post_save", "payments.Payment", "monolith",
         [("notifications/apps.py:14", "notifications.receivers.notify_payment_saved")])]
    assert record.unforwarded == ()


def test_moving_the_receivers_forwards_the_other_way(graph):
    record = build_plan(graph, MONOLITH, ["notifications"]).record
    assert {(s.signal, s.sender, s.consumer) for s in record.signals} == {
        ("django.db.models.signals.post_save", "orders.Order", "notifications"),
        ("django.db.models.signals.post_save", "payments.Payment", "notifications"),
        ("orders.signals.order_placed", "", "notifications")}


def test_each_side_publishes_what_the_other_consumes(graph):
    signals = build_plan(graph, MONOLITH, ["orders"]).record.signals
    forwards = plan_forwards("orders", signals)
    service, monolith = (_module(render_forwarding(side, forwards))
                         for side in ("orders", "monolith"))
    assert service["SIDE"] == "orders" and monolith["SIDE"] == "monolith"
    assert service["PUBLISH"] == monolith["CONSUME"] and service["CONSUME"] == []
    assert monolith["PUBLISH"] == []
    assert service["PUBLISH"][1] == {
        "signal": "orders.signals.order_placed", "sender": None, "consumer": "monolith",
        "publisher": "orders",
        "receivers": ["notifications/receivers.py:15 notifications.receivers.notify_order_placed"]}


def _module(text: str) -> dict:
    names: dict = {}
    exec(compile(ast.parse(text), "forwarding", "exec"), names)  # the generated module itself
    return names


# --- the routing guard ----------------------------------------------------------------------

def _extracted(tmp_path: Path, signals: tuple[ForwardedSignal, ...],
               unforwarded: tuple[UnforwardedReceiver, ...] = ()) -> Path:
    root = tmp_path / "shop"
    write_json_atomic(root / "decompose-report" / "graph.json",
                      ProjectGraph("config.settings", (), (), ()))
    record = ExtractionPlan(
        service="orders", apps=("orders",), routes=("/api/orders/",), mounts=(), files=(),
        rewrites=(), dependencies=(), transactions=(), mirrors=(), signals=signals,
        inbound=(InboundCoupling(PLACED, "notifications", "signal", "orders", Level.ERROR),),
        unforwarded=unforwarded)
    write_json_atomic(extraction_record(root, "orders"), record)
    return root


def _route(root: Path, *args: str):
    return CliRunner().invoke(route, ["orders", *args, "--project", str(root)],
                              obj={"clock": lambda: datetime(2026, 1, 1, tzinfo=UTC)})


def test_routing_writes_is_refused_while_a_receiver_is_not_forwarded(tmp_path):
    root = _extracted(tmp_path, (), (UnforwardedReceiver(PLACED, "its binding cannot be read "
                                                         "from its line"),))
    for move in (["--percent", "10"], ["--full"]):
        refused = _route(root, *move)
        assert isinstance(refused.exception, DecomposeError)  # cli.main prints it, exits 1
        assert str(refused.exception) == (
            "orders: signal receivers not forwarded yet, they would not run for its requests: "
            "notifications/receivers.py:15")
    assert not (root / "decompose.toml").exists()
    assert _route(root, "--shadow").exit_code == 0  # the monolith still answers everyone
    assert _route(root, "--percent", "0").exit_code == 0


def test_routing_goes_ahead_once_every_receiver_is_forwarded(tmp_path):
    served = ForwardedSignal("orders.signals.order_placed", "", "monolith",
                             (SignalReceiver(PLACED, "notifications.receivers.placed"),))
    result = _route(_extracted(tmp_path, (served,)), "--percent", "10")
    assert result.exit_code == 0, result.output


# --- deployment: relay and consumer on both sides ---------------------------------------------

def test_services_that_forward_signals_deploy_relays_and_consumers_with_probes(tmp_path):
    import kubernetes_validate
    import yaml

    from extractor.render import render_service
    from tests.extractor.test_service_skeleton import KUBERNETES_VERSIONS, SPEC, k8s_documents

    spec = replace(SPEC, events=True, monolith_image="registry.example.com/shop/web:2026.12")
    written = render_service(spec, tmp_path)
    assert "k8s/events.yaml" in written and "k8s/events.yaml" not in render_service(
        SPEC, tmp_path / "plain")
    documents = k8s_documents(tmp_path)
    events = list(yaml.safe_load_all((tmp_path / "k8s" / "events.yaml").read_text()))
    for document in events:
        for version in KUBERNETES_VERSIONS:
            kubernetes_validate.validate(document, version, strict=True)
    assert documents["Secret/monolith-events"]["stringData"] == {"DECOMPOSE_BROKER_URL": ""}
    sides = {"widgets": "widgets:0.1.0", "monolith-events": spec.monolith_image}
    for side, image in sides.items():
        for role, command in (("relay", "decompose_relay"), ("consumer", "decompose_consume")):
            deployment = documents[f"Deployment/{side}-{role}"]
            [container] = deployment["spec"]["template"]["spec"]["containers"]
            assert container["image"] == image
            assert container["command"][:3] == ["python", "manage.py", command]
            assert {"startupProbe", "livenessProbe", "readinessProbe"} <= set(container)
            config = "widgets" if side == "widgets" else "monolith"
            assert container["envFrom"] == [{"configMapRef": {"name": config}},
                                            {"secretRef": {"name": config}}]
            broker = [e for e in container["env"] if e["name"] == "DECOMPOSE_BROKER_URL"]
            assert broker == ([] if side == "widgets" else [{
                "name": "DECOMPOSE_BROKER_URL", "valueFrom": {"secretKeyRef": {
                    "name": "monolith-events", "key": "DECOMPOSE_BROKER_URL"}}}])
    compose = yaml.safe_load((tmp_path / "compose.yaml").read_text())["services"]
    workers = ["widgets-relay", "widgets-consumer", "monolith-events-relay",
               "monolith-events-consumer"]
    assert {*workers, "rabbitmq"} <= set(compose)
    assert compose["monolith-events-relay"]["image"] == compose["monolith"]["image"] == \
        f"${{MONOLITH_IMAGE:-{spec.monolith_image}}}"
    assert compose["monolith-events-consumer"]["command"][:3] == [
        "python", "manage.py", "decompose_consume"]
    assert compose["widgets-relay"]["environment"]["DECOMPOSE_BROKER_URL"] == \
        compose["monolith-events-relay"]["environment"]["DECOMPOSE_BROKER_URL"] == \
        compose["monolith"]["environment"]["DECOMPOSE_BROKER_URL"]
    assert "DECOMPOSE_BROKER_URL" in (tmp_path / "k8s" / "secret.yaml").read_text()
    settings = (tmp_path / "config" / "settings" / "base.py").read_text()
    assert '"decompose_runtime.events",' in settings
    assert 'DECOMPOSE_REQUEST_ID_VAR = "ops.context.request_id"' in settings


def test_a_monolith_image_that_is_no_image_reference_is_refused():
    from extractor.spec import SpecError
    from tests.extractor.test_service_skeleton import SPEC

    with pytest.raises(SpecError, match="is not an image reference"):
        replace(SPEC, monolith_image="monolith latest")


def test_the_dry_run_lists_the_forwarded_signals(graph):
    from extractor.command import describe

    text = describe(build_plan(graph, MONOLITH, ["orders"]).record, Path("services/orders"))
    assert ("signals forwarded as events:\n  django.db.models.signals.post_save from orders.Order"
            " -> monolith: notifications.receivers.notify_order_status_changed "
            "(notifications/receivers.py:24)\n") in text
    decisions = text.split("needs a human decision")[1]
    assert decisions.count("now runs after the sender's commit") == 2


# --- several extractions: the monolith's forwarding module is merged --------------------------

def test_a_second_extraction_merges_the_monolith_forwarding_and_a_repeat_changes_nothing(
        graph, tmp_path):
    """orders, then payments, extracted from one monolith (each patch applied): the monolith's
    module keeps both services' entries in one sorted order; extracting payments again (or
    orders: its entries are replaced by the same) leaves the module as it is."""
    from extractor.monolith_patch import apply_changes
    from extractor.writer import run_codemods
    from tests.extractor.test_extract_command import copy_monolith

    shop = copy_monolith(tmp_path / "shop")
    forwarding = shop / "decompose_events_forwarding.py"

    def extract(app: str) -> None:
        apply_changes(shop, run_codemods(build_plan(graph, shop, [app]), shop).changes)

    extract("orders")
    after_orders = _module(forwarding.read_text())
    extract("payments")
    merged = forwarding.read_text()
    module = _module(merged)
    assert module["PUBLISH"] == []
    assert [(e["publisher"], e["signal"], e["sender"]) for e in module["CONSUME"]] == [
        ("orders", "django.db.models.signals.post_save", "orders.Order"),
        ("payments", "django.db.models.signals.post_save", "payments.Payment"),
        ("orders", "orders.signals.order_placed", None)]
    assert [e for e in module["CONSUME"] if e["publisher"] == "orders"] == \
        after_orders["CONSUME"]
    for app in ("payments", "orders"):
        changes = run_codemods(build_plan(graph, shop, [app]), shop).changes
        assert "decompose_events_forwarding.py" not in {c.path for c in changes}
    assert forwarding.read_text() == merged
    settings = (shop / "config" / "settings" / "base.py").read_text()
    assert settings.count('"decompose_runtime.events"') == 1
