"""The receiving side: each event re-sends its signal here, with the instance loaded by key
from the shared database, inside one transaction that also records the event as processed;
the message is acknowledged only after that commit. A redelivered event already processed is
acknowledged without running anything; one that keeps failing goes to the dead-letter queue."""

from __future__ import annotations

import datetime
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.db import InterfaceError, transaction
from django.db import OperationalError as DatabaseUnavailable
from django.dispatch import Signal
from django.utils import timezone
from django.utils.module_loading import import_string
from kombu.connection import Connection
from kombu.message import Message
from kombu.messaging import Consumer as KombuConsumer

from decompose_runtime.events import context, envelope, metrics, topology
from decompose_runtime.events.forwarding import Forwarding
from decompose_runtime.events.models import ProcessedEvent

log = logging.getLogger("decompose.events")
PREFETCH = 50


class ReceiverFailed(Exception):
    """A receiver raised; the event's transaction was rolled back."""

    def __init__(self, receiver: str, error: BaseException) -> None:
        super().__init__(f"{receiver} raised {type(error).__name__}: {error}")
        self.receiver, self.error = receiver, error


def _name(receiver: Any) -> str:
    return f"{getattr(receiver, '__module__', '?')}.{getattr(receiver, '__qualname__', receiver)}"


class Consumer:
    """One side's consumer; ``drain`` is one step of :class:`broker.Worker`."""

    def __init__(self, forwarding: Forwarding, max_tries: int | None = None,
                 retry_delay: float = 0.2, using: str = "default") -> None:
        self.forwarding = forwarding
        self.max_tries = max_tries or int(getattr(settings, "DECOMPOSE_EVENTS_MAX_TRIES", 5))
        self.retry_delay, self.using = retry_delay, using

    def apply(self, body: Mapping[str, Any]) -> bool:
        """Run the receivers for one event and record it, in one transaction; False when the
        event was processed before (a redelivery)."""
        event_id = uuid.UUID(body["event_id"])
        payload = body["payload"]
        signal: Signal = import_string(self.forwarding.local_signal(payload["signal"]))
        with transaction.atomic(using=self.using):
            processed = ProcessedEvent.objects.using(self.using)
            if processed.filter(event_id=event_id).exists():
                return False
            sender = envelope.resolve_sender(payload["sender"])
            kwargs = envelope.decode_arguments(payload["kwargs"], self.using)
            with context.replay(body.get("request_id", ""), str(event_id)):
                responses = signal.send_robust(sender, **kwargs)
            for receiver, response in responses:
                if isinstance(response, Exception):
                    raise ReceiverFailed(_name(receiver), response)
            processed.create(event_id=event_id, side=self.forwarding.side)
        return True

    def handle(self, body: Any, message: Message) -> None:
        """Apply with up to ``max_tries`` tries, then ack; or dead-letter with one log line.
        Every line logged meanwhile (the receivers' too) carries the event's two ids."""
        event = body.get("event_id", "?") if isinstance(body, dict) else "?"
        request = body.get("request_id") or "-" if isinstance(body, dict) else "-"
        with context.bound("" if request == "-" else request, event):
            self._handle(body, message, event, request)

    def _handle(self, body: Any, message: Message, event: str, request: str) -> None:
        if message.delivery_info.get("redelivered"):
            metrics.redelivered.inc()
        failure: tuple[str, BaseException] | None = None
        for attempt in range(1, self.max_tries + 1):
            try:
                applied = self.apply(body)
            except (DatabaseUnavailable, InterfaceError):
                raise  # not the event's fault: the worker reconnects, the broker redelivers
            except ReceiverFailed as exc:
                if isinstance(exc.error, (DatabaseUnavailable, InterfaceError)):
                    raise exc.error from exc
                failure = (exc.receiver, exc.error)
            except Exception as exc:  # an event that cannot be decoded or loaded here
                failure = ("(decoding)", exc)
            else:
                message.ack()
                self.after_ack(body, event, request, applied)
                return
            if attempt < self.max_tries:
                time.sleep(self.retry_delay * attempt)
        receiver, error = failure or ("?", RuntimeError("no try"))
        log.error("event %s request %s: dead-lettered after %d tries: receiver %s raised %s: %s",
                  event, request, self.max_tries, receiver, type(error).__name__, error)
        message.reject(requeue=False)
        metrics.dead_lettered.inc()

    def after_ack(self, body: Mapping[str, Any], event: str, request: str, applied: bool) -> None:
        if not applied:
            log.info("event %s request %s: already processed, skipped", event, request)
            return
        metrics.consumed.inc()
        created = datetime.datetime.fromisoformat(body["created_at"])
        metrics.lag.set((timezone.now() - created).total_seconds())
        log.info("event %s request %s: receivers ran for %s (%s)", event, request,
                 body.get("routing_key"), body.get("aggregate"))

    def start(self, connection: Connection) -> Callable[[], bool]:
        """Declare this side's queues and consume; deliveries are handled one after the other
        in queue order (a prefetch saves a round trip per event, and what was not acknowledged
        when the process dies is delivered again, in order); the step waits up to a second."""
        queue, dead = topology.consumer_queues(self.forwarding)
        channel = connection.default_channel
        topology.events_exchange(channel).declare()
        dead(channel).declare()
        consumer = KombuConsumer(channel, queues=[queue], callbacks=[self.handle],
                                 accept=["json"], prefetch_count=PREFETCH)
        consumer.consume()
        return lambda: self.drain(connection)

    @staticmethod
    def drain(connection: Connection, timeout: float = 1.0) -> bool:
        """Handle the events that arrive within ``timeout``; True if any did."""
        try:
            connection.drain_events(timeout=timeout)
        except TimeoutError:
            connection.heartbeat_check()
            return False
        return True
