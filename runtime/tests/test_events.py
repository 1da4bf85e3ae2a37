"""Signals forwarded as events, against a real RabbitMQ: recording in the sender's transaction,
relay with confirms, consumer re-sending the signal, idempotence, order, dead-lettering."""

from __future__ import annotations

import io
import logging
import signal
import uuid
from collections.abc import Iterator
from typing import Any

import django
import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal
from kombu import Connection
from runtime_test_signals import parcel_returned, parcel_returned_stand_in, parcel_sent

from decompose_remote.transactions import compensate_on_error
from decompose_runtime.events import context, envelope, logs, topology
from decompose_runtime.events.broker import Worker
from decompose_runtime.events.consumer import Consumer
from decompose_runtime.events.forwarding import Forwarding, load_forwarding
from decompose_runtime.events.models import OutboxEvent, ProcessedEvent
from decompose_runtime.events.relay import Relay

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker(rabbitmq: Any) -> Iterator[str]:
    """The session's broker with this test's queues declared and empty."""
    forwarding = load_forwarding()
    with Connection(rabbitmq.url) as connection:
        channel = connection.default_channel
        for queue in topology.consumer_queues(forwarding):
            queue(channel).declare()
            queue(channel).purge()
    yield rabbitmq.url


def relay_and_consume(url: str) -> None:
    """Publish every outbox row, then handle every event until the queue stays empty."""
    forwarding = load_forwarding()
    Worker(url).run(Relay(forwarding).start, once=True)
    Worker(url).run(Consumer(forwarding, retry_delay=0).start, once=True)


class Calls:
    """A receiver that remembers what each call was given."""

    def __init__(self, signal: Signal, sender: Any = None) -> None:
        self.calls: list[dict[str, Any]] = []
        signal.connect(self, sender=sender, weak=False, dispatch_uid=f"probe-{id(self)}")
        self.disconnect = lambda: signal.disconnect(dispatch_uid=f"probe-{id(self)}",
                                                    sender=sender)

    def __call__(self, sender: Any, **kwargs: Any) -> None:
        self.calls.append({"sender": sender, **kwargs})


@pytest.fixture
def probe() -> Iterator[list[Calls]]:
    made: list[Calls] = []
    yield made
    for calls in made:
        calls.disconnect()


def test_a_save_is_recorded_with_the_change_and_a_rollback_records_nothing() -> None:
    with transaction.atomic():
        User.objects.create(username="kept")
    with pytest.raises(RuntimeError), transaction.atomic():
        User.objects.create(username="rolled-back")
        raise RuntimeError("abort")
    [event] = OutboxEvent.objects.all()
    assert event.routing_key == "django.db.models.signals.post_save:auth.User"
    assert event.origin == "loop" and event.sent_at is None
    assert event.aggregate == f"auth.User:{User.objects.get().pk}"
    assert event.payload["kwargs"]["values"]["created"] is True


def test_a_column_saved_from_an_expression_is_left_out_of_the_snapshot() -> None:
    # taiga's OCC mixin saves version = F("version") + 1, then the instance is sent
    user = User.objects.create(username="ann", first_name="Ann")
    OutboxEvent.objects.all().delete()
    user.last_name = F("first_name")
    user.save()
    [event] = OutboxEvent.objects.all()
    fields = event.payload["kwargs"]["values"]["instance"]["fields"]
    assert fields["first_name"] == "Ann"
    if django.VERSION >= (6, 0):  # save() reads the expression's value back (RETURNING)
        assert fields["last_name"] == "Ann"
    else:
        assert "last_name" not in fields


def test_a_compensated_block_records_its_events_only_when_it_succeeds() -> None:
    with pytest.raises(RuntimeError), compensate_on_error():
        User.objects.create(username="compensated")
        assert not OutboxEvent.objects.exists()  # held back: the row above committed already
        raise RuntimeError("the monolith said no")
    assert not User.objects.exists() and not OutboxEvent.objects.exists()
    with compensate_on_error():
        User.objects.create(username="kept")
    assert OutboxEvent.objects.get().aggregate == f"auth.User:{User.objects.get().pk}"


def test_the_consumer_sends_the_same_signal_with_the_row_loaded_from_the_database(
        broker: str, probe: list[Calls]) -> None:
    with transaction.atomic():
        user = User.objects.create(username="ann", email="old@example.com")
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(email="new@example.com")
        user.first_name = "Ann"
        user.save(update_fields=["first_name"])
    saved = Calls(post_save, User)
    probe.append(saved)
    relay_and_consume(broker)
    first, second = saved.calls
    assert first["sender"] is User and first["created"] is True
    assert isinstance(first["instance"], User) and first["instance"].pk == user.pk
    assert first["instance"].email == "new@example.com"  # loaded by key, not replayed values
    assert second["created"] is False and second["update_fields"] == frozenset({"first_name"})
    assert ProcessedEvent.objects.count() == 2
    assert OutboxEvent.objects.filter(sent_at__isnull=True).count() == 0


def test_deletes_m2m_changes_and_custom_signals_cross_too(broker: str,
                                                          probe: list[Calls]) -> None:
    group = Group.objects.create(name="staff")
    with transaction.atomic():
        user = User.objects.create(username="bob")
        user.groups.add(group)
        parcel_sent.send(sender=Group, parcel=user, weight=(1, 2))
        pk = user.pk
        user.delete()
    deleted, changed, parcels = Calls(post_delete, User), Calls(m2m_changed), Calls(parcel_sent)
    probe += [deleted, changed, parcels]
    relay_and_consume(broker)
    [gone] = deleted.calls
    assert gone["instance"].pk == pk and gone["instance"].username == "bob"  # the snapshot
    assert [call["action"] for call in changed.calls] == ["pre_add", "post_add"]
    assert changed.calls[1]["model"] is Group and changed.calls[1]["pk_set"] == {group.pk}
    [parcel] = parcels.calls
    assert parcel["sender"] is Group and parcel["weight"] == (1, 2)
    assert parcel["parcel"].pk == pk


def test_a_send_through_a_stand_in_reaches_the_receivers_of_the_signal_it_stands_in_for(
        broker: str, probe: list[Calls]) -> None:
    class ReturnsView:  # a moved view: its module path does not import on the consuming side
        pass

    with transaction.atomic():
        user = User.objects.create(username="dee")
        parcel_returned_stand_in.send(sender=ReturnsView, parcel=user, reasons=["torn"])
    [event] = OutboxEvent.objects.filter(routing_key__startswith="runtime_test_signals")
    assert event.routing_key == "runtime_test_signals.parcel_returned:*"
    returned, stand_in = Calls(parcel_returned), Calls(parcel_returned_stand_in)
    probe += [returned, stand_in]
    relay_and_consume(broker)
    [call] = returned.calls
    assert call["parcel"].pk == user.pk and call["reasons"] == ["torn"]
    assert call["sender"] is not ReturnsView and isinstance(call["sender"], type)
    assert envelope.sender_label(call["sender"]) == envelope.sender_label(ReturnsView)
    assert stand_in.calls == []  # the replay is the real signal's, not a second local send


def test_a_consumed_signal_is_sent_through_this_sides_stand_in(probe: list[Calls]) -> None:
    forwarding = load_forwarding()
    consuming = Forwarding(forwarding.side, (), forwarding.publish)  # as a service consumes
    returned, stand_in = Calls(parcel_returned), Calls(parcel_returned_stand_in)
    probe += [returned, stand_in]
    body = {"event_id": str(uuid.uuid4()), "payload": {
        "signal": "runtime_test_signals.parcel_returned", "sender": None,
        "kwargs": envelope.encode_arguments({"reasons": ["late"]})}}
    assert Consumer(consuming).apply(body) is True
    assert [call["reasons"] for call in stand_in.calls] == [["late"]] and returned.calls == []


def test_a_redelivered_event_is_skipped_and_order_per_row_is_kept(broker: str,
                                                                  probe: list[Calls]) -> None:
    with transaction.atomic():
        user = User.objects.create(username="cy")
    for name in ("a", "b", "c"):
        with transaction.atomic():
            user.first_name = name
            user.save(update_fields=["first_name"])
    saved = Calls(post_save, User)
    probe.append(saved)
    relay_and_consume(broker)
    OutboxEvent.objects.update(sent_at=None)  # as if the relay crashed before marking them
    relay_and_consume(broker)
    assert [call["created"] for call in saved.calls] == [True, False, False, False]
    assert ProcessedEvent.objects.count() == 4


def test_an_event_that_keeps_failing_lands_in_the_dead_letter_queue_with_one_log_line(
        broker: str, rabbitmq: Any, caplog: pytest.LogCaptureFixture) -> None:
    def explode(sender: Any, **kwargs: Any) -> None:
        raise ValueError("no stock for parcel")

    with transaction.atomic():
        parcel_sent.send(sender=None, weight=3)
    event = OutboxEvent.objects.get()
    parcel_sent.connect(explode, weak=False, dispatch_uid="explode")
    try:
        with caplog.at_level(logging.ERROR, logger="decompose.events"):
            relay_and_consume(broker)
    finally:
        parcel_sent.disconnect(dispatch_uid="explode")
    [line] = [record.getMessage() for record in caplog.records
              if record.name == "decompose.events"]
    assert str(event.event_id) in line and "after 3 tries" in line
    assert "test_events.test_an_event_that_keeps_failing" in line and "no stock" in line
    assert rabbitmq.queue_depths()["decompose.events.loop.dead"] == 1
    assert not ProcessedEvent.objects.exists()


class PlainLines(logging.StreamHandler):  # type: ignore[type-arg]
    def lines(self) -> list[str]:
        return str(self.stream.getvalue()).splitlines()


@pytest.fixture
def log_lines() -> Iterator[PlainLines]:
    """The root logger writing plain lines (a monolith's own format, no ids in it) to a buffer,
    as the only handler; every handler's formatter and filters, and the worker's signal
    handlers, are put back afterwards."""
    root = logging.getLogger()
    loggers = [root, *(logger for logger in logging.Logger.manager.loggerDict.values()
                       if isinstance(logger, logging.Logger))]
    saved = [(handler, handler.formatter, list(handler.filters))
             for logger in loggers for handler in logger.handlers]
    handlers, level = list(root.handlers), root.level
    interrupts = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    plain = PlainLines(io.StringIO())
    plain.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root.handlers, root.level = [plain], logging.INFO
    yield plain
    root.handlers, root.level = handlers, level
    for handler, formatter, filters in saved:
        handler.setFormatter(formatter)
        handler.filters = filters
    for signum, handler in interrupts.items():
        signal.signal(signum, handler)


def test_every_log_line_of_relay_consumer_and_receivers_carries_request_and_event_ids(
        broker: str, settings: Any, client: Any, log_lines: PlainLines) -> None:
    """The request's X-Request-ID is recorded with its event; the relay's, the consumer's and
    the receiver's log lines (the management commands, as deployed) end with both ids."""
    settings.DECOMPOSE_BROKER_URL = broker
    assert client.post("/test/users/", {"username": "dee"},
                       HTTP_X_REQUEST_ID="req-4711").status_code == 201
    event = OutboxEvent.objects.get()
    assert event.request_id == "req-4711"

    def welcome(sender: Any, instance: User, **kwargs: Any) -> None:
        logging.getLogger("shop.receivers").info("welcome %s", instance.username)

    post_save.connect(welcome, sender=User, weak=False, dispatch_uid="welcome")
    try:
        call_command("decompose_relay", "--once")
        call_command("decompose_consume", "--once")
    finally:
        post_save.disconnect(sender=User, dispatch_uid="welcome")
    ids = f" request=req-4711 event={event.event_id}"
    lines = [line for line in log_lines.lines() if line.startswith("INFO")]
    assert [line.split(" ", 2)[1] for line in lines] == [
        "decompose.events", "shop.receivers", "decompose.events"]
    assert lines[0].startswith(f"INFO decompose.events event {event.event_id} request "
                               "req-4711: published ")
    assert lines[1] == f"INFO shop.receivers welcome dee{ids}"
    assert all(line.endswith(ids) for line in lines)


def test_a_format_that_shows_the_ids_already_is_kept(log_lines: PlainLines) -> None:
    """The services' JSON lines print every extra attribute: installing adds no second copy."""
    log_lines.setFormatter(logging.Formatter("%(message)s [%(request_id)s %(event_id)s]"))
    logs.install()
    with context.bound("req-1", "ev-2"):
        logging.getLogger("shop.receivers").warning("stock low")
    logging.getLogger("shop.receivers").warning("outside")
    assert log_lines.lines() == ["stock low [req-1 ev-2]", "outside [None None]"]
