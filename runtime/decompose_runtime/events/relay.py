"""Publishes this side's outbox rows in order, each confirmed by the broker, then marks them
sent. A crash between the confirm and the mark publishes them again: delivery is at least once,
and the consumer's processed-event table makes the second delivery a no-op."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from kombu.connection import Connection
from kombu.messaging import Producer

from decompose_runtime.events import context, metrics, topology
from decompose_runtime.events.forwarding import Forwarding
from decompose_runtime.events.models import OutboxEvent

log = logging.getLogger("decompose.events")


class Relay:
    """One side's relay; ``publish_batch`` is one step of :class:`broker.Worker`."""

    def __init__(self, forwarding: Forwarding, batch_size: int = 200,
                 poll_interval: float = 0.1, using: str = "default") -> None:
        self.forwarding, self.batch_size = forwarding, batch_size
        self.poll_interval, self.using = poll_interval, using

    def start(self, connection: Connection) -> Callable[[], bool]:
        """Declare the exchange and the consuming sides' queues (so no event is published before its
        queue exists); the step publishes one batch."""
        channel = connection.default_channel
        topology.events_exchange(channel).declare()
        for consumer in self.forwarding.consumers():
            for queue in topology.consumer_queues(consumer):
                queue(channel).declare()
        producer = Producer(channel, exchange=topology.events_exchange)
        return lambda: self.publish_batch(producer)

    def publish_batch(self, producer: Producer) -> bool:
        """Publish the oldest unsent rows (locked, so replicas keep the order); True if any."""
        unsent = OutboxEvent.objects.using(self.using).filter(
            origin=self.forwarding.side, sent_at__isnull=True).order_by("id")
        with transaction.atomic(using=self.using):
            batch = list(unsent.select_for_update()[:self.batch_size])
            for event in batch:
                producer.publish(
                    {"event_id": str(event.event_id), "origin": event.origin,
                     "routing_key": event.routing_key, "aggregate": event.aggregate,
                     "payload": event.payload, "request_id": event.request_id,
                     "created_at": event.created_at.isoformat()},
                    routing_key=event.routing_key, serializer="json", delivery_mode=2,
                    message_id=str(event.event_id), headers={"aggregate": event.aggregate},
                    retry=False)
                with context.bound(event.request_id, str(event.event_id)):
                    log.info("event %s request %s: published %s (%s)", event.event_id,
                             event.request_id or "-", event.routing_key, event.aggregate)
            if batch:
                unsent.model.objects.using(self.using).filter(
                    pk__in=[event.pk for event in batch]).update(sent_at=timezone.now())
        metrics.published.inc(len(batch))
        metrics.backlog.set(unsent.count())
        if not batch:
            time.sleep(self.poll_interval)
        return bool(batch)
