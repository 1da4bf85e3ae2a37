"""Which signals this side publishes to the other and which it consumes from it.

The extractor writes this as a plain data module (``decompose_events_forwarding.py`` by default,
or the module the setting ``DECOMPOSE_EVENTS_FORWARDING`` names), one on each side::

    SIDE = "orders"
    PUBLISH = [{"signal": "orders.signals.order_placed", "sender": None,
                "consumer": "monolith", "receivers": [...]}]
    CONSUME = [{"signal": "django.db.models.signals.post_save", "sender": "payments.Payment",
                "consumer": "orders", "receivers": [...]}]

``signal`` is the dotted path of the Signal object, ``sender`` a model label (``None``: any
sender), ``consumer`` the side whose receivers run, ``receivers`` the ``path:line name`` of the
receivers served, for people and logs. An optional ``stand_in`` is the dotted path of this
side's stand-in for a signal it does not have itself (a service's copy of a signal of an app
that stays in the monolith): its sends are recorded under ``signal``'s routing key, and
consumed events of ``signal`` are sent through it.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from decompose_runtime.names import EVENTS_FORWARDING_MODULE

EXCHANGE = "decompose.events"
DEAD_LETTER_EXCHANGE = "decompose.events.dlx"


@dataclass(frozen=True)
class ForwardedSignal:
    """One signal (from one sender, or any) that crosses the boundary."""

    signal: str
    sender: str | None
    consumer: str
    receivers: tuple[str, ...] = ()
    stand_in: str | None = None

    @property
    def routing_key(self) -> str:
        """The key its events are published under: ``<signal path>:<sender label or *>``."""
        return f"{self.signal}:{self.sender or '*'}"

    @property
    def local_signal(self) -> str:
        """The dotted path of the Signal object this side sends and receives it as."""
        return self.stand_in or self.signal


@dataclass(frozen=True)
class Forwarding:
    """This side's name, the signals it records in its outbox, and those it consumes."""

    side: str
    publish: tuple[ForwardedSignal, ...]
    consume: tuple[ForwardedSignal, ...]

    @property
    def queue(self) -> str:
        """This side's queue: every event it consumes, in publication order."""
        return f"{EXCHANGE}.{self.side}"

    @property
    def dead_letter_queue(self) -> str:
        return f"{self.queue}.dead"

    def local_signal(self, signal: str) -> str:
        """Where this side's consumer sends a consumed ``signal`` (its stand-in, if one)."""
        return next((f.local_signal for f in self.consume if f.signal == signal), signal)

    def consumers(self) -> tuple[Forwarding, ...]:
        """The consuming sides of what this side publishes, each as it sees itself: their
        queues must exist before the relay publishes, or the broker would drop the events."""
        sides = sorted({forwarded.consumer for forwarded in self.publish})
        return tuple(Forwarding(side, (), tuple(f for f in self.publish if f.consumer == side))
                     for side in sides)


def _entries(module_name: str, raw: Any) -> tuple[ForwardedSignal, ...]:
    if not isinstance(raw, Sequence):
        raise ImproperlyConfigured(f"{module_name}: PUBLISH and CONSUME are lists of dicts")
    found = []
    for entry in raw:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("signal"), str):
            raise ImproperlyConfigured(f"{module_name}: each entry needs a 'signal' path")
        if not isinstance(entry.get("stand_in", ""), str):
            raise ImproperlyConfigured(f"{module_name}: an entry's 'stand_in' is a dotted path")
        found.append(ForwardedSignal(entry["signal"], entry.get("sender"),
                                     str(entry.get("consumer", "")),
                                     tuple(entry.get("receivers", ())),
                                     entry.get("stand_in") or None))
    return tuple(found)


def load_forwarding() -> Forwarding:
    """The forwarding module's contents; nothing forwarded when the module does not exist."""
    module_name = getattr(settings, "DECOMPOSE_EVENTS_FORWARDING", EVENTS_FORWARDING_MODULE)
    side = str(getattr(settings, "DECOMPOSE_SERVICE_NAME", "monolith"))
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return Forwarding(side, (), ())
    return Forwarding(str(getattr(module, "SIDE", side)),
                      _entries(module_name, getattr(module, "PUBLISH", ())),
                      _entries(module_name, getattr(module, "CONSUME", ())))
