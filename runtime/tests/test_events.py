"""Signals forwarded as events, against a real RabbitMQ: recording in the sender's transaction,
relay with confirms, consumer re-sending the signal, idempotence, order, dead-lettering."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal
from kombu import Connection
from runtime_test_signals import parcel_sent

from decompose_remote.transactions import compensate_on_error
from decompose_runtime.events import topology
from decompose_runtime.events.broker import Worker
from decompose_runtime.events.consumer import Consumer
from decompose_runtime.events.forwarding import load_forwarding
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
