"""The sending side: each forwarded signal writes an outbox row through the connection the
change used, so the row commits or rolls back with the change."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.dispatch import Signal
from django.utils.module_loading import import_string

from decompose_runtime.events import context, envelope
from decompose_runtime.events.forwarding import ForwardedSignal

log = logging.getLogger("decompose.events")


def record(forwarded: ForwardedSignal, origin: str, sender: Any, kwargs: dict[str, Any]) -> None:
    """Write the outbox row for one sent signal (nothing while the consumer replays one)."""
    from decompose_runtime.events.models import OutboxEvent

    if context.replaying.get():
        return
    using = kwargs.get("using") or DEFAULT_DB_ALIAS
    held = context.held.get()
    if held is None and not connections[using].in_atomic_block:
        log.warning("event %s recorded outside a transaction: a crash before the outbox write "
                    "loses it (use ATOMIC_REQUESTS or transaction.atomic)", forwarded.routing_key)
    event = OutboxEvent(origin=origin, routing_key=forwarded.routing_key,
                        aggregate=envelope.aggregate_of(kwargs),
                        payload={"signal": forwarded.signal,
                                 "sender": envelope.sender_label(sender),
                                 "kwargs": envelope.encode_arguments(kwargs)},
                        request_id=context.current_request_id())
    if held is not None:
        held.append((event, using))
    else:
        event.save(using=using)


@contextlib.contextmanager
def hold_events() -> Iterator[None]:
    """Record the events sent inside only if the block succeeds, all at once at its end: for
    blocks whose writes commit one by one and are undone by compensation on an error."""
    if context.held.get() is not None:  # an enclosing block holds them already
        yield
        return
    events: list[tuple[Any, str]] = []
    token = context.held.set(events)
    try:
        yield
    finally:
        context.held.reset(token)
    if not events:
        return
    with transaction.atomic():
        for event, using in events:
            event.save(using=using)


def _recorder(forwarded: ForwardedSignal, origin: str) -> Callable[..., None]:
    def recorder(sender: Any, **kwargs: Any) -> None:
        if forwarded.sender is None or envelope.sender_label(sender) == forwarded.sender:
            record(forwarded, origin, sender, kwargs)

    return recorder


def connect_recorders(publish: Iterable[ForwardedSignal], origin: str) -> None:
    """Connect one recorder per forwarded signal (idempotent: keyed by its routing key), to
    this side's stand-in where it has one."""
    for forwarded in publish:
        signal: Signal = import_string(forwarded.local_signal)
        signal.connect(_recorder(forwarded, origin), weak=False,
                       dispatch_uid=f"decompose_events:{forwarded.routing_key}")
