"""The data module each side reads to know which signals it forwards and which it consumes.

The same plan renders it twice, once as the service and once as the monolith, so the two sides
agree on every routing key (``signal:sender``) by construction. The monolith keeps one module
for every service extracted from it: each entry names the side that publishes it, so a later
extraction merges its own entries in (replacing what the same service had) and keeps the
others'.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from decompose.errors import DecomposeError
from decompose.model import ForwardedSignal, Location, SignalReceiver
from decompose_runtime.names import EVENTS_FORWARDING_MODULE
from extractor.plan.signals import MONOLITH_SIDE
from extractor.render import make_environment

FORWARDING_FILE = f"{EVENTS_FORWARDING_MODULE}.py"
_TEMPLATES = Path(__file__).parent / "templates" / "extraction"


@dataclass(frozen=True, order=True)
class Forward:
    """One entry of a forwarding module: a forwarded signal and the side that publishes it."""

    forwarded: ForwardedSignal
    publisher: str


def plan_forwards(service: str, signals: Iterable[ForwardedSignal]) -> tuple[Forward, ...]:
    """One extraction's entries: what the monolith consumes the service publishes, and back."""
    return tuple(sorted(Forward(s, service if s.consumer == MONOLITH_SIDE else MONOLITH_SIDE)
                        for s in signals))


def merge_forwards(existing: Iterable[Forward], service: str,
                   signals: Iterable[ForwardedSignal]) -> tuple[Forward, ...]:
    """The other services' entries kept, ``service``'s replaced by ``signals`` (so extracting
    it again changes nothing), in one sorted order."""
    kept = {f for f in existing if service not in (f.publisher, f.forwarded.consumer)}
    return tuple(sorted(kept.union(plan_forwards(service, signals))))


def read_forwards(text: str, path: str) -> tuple[Forward, ...]:
    """The entries of a forwarding module written earlier (its PUBLISH and CONSUME lists)."""
    try:
        tree = ast.parse(text, filename=path)
        lists = [ast.literal_eval(node.value) for node in tree.body
                 if isinstance(node, ast.Assign) and len(node.targets) == 1
                 and isinstance(node.targets[0], ast.Name)
                 and node.targets[0].id in ("PUBLISH", "CONSUME")]
        return tuple(_forward(entry) for entries in lists for entry in entries)
    except SyntaxError as exc:
        raise DecomposeError(f"cannot read the forwarding module: {exc.msg}", path=path,
                             line=exc.lineno) from None
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise DecomposeError(f"not a forwarding module decompose wrote ({exc}); remove it or "
                             "restore it from monolith.patch", path=path) from None


def _forward(entry: dict[str, object]) -> Forward:
    receivers = []
    for text in entry["receivers"]:  # type: ignore[attr-defined]
        location, _, name = str(text).partition(" ")
        receivers.append(SignalReceiver(Location.parse(location), name))
    forwarded = ForwardedSignal(str(entry["signal"]), str(entry["sender"] or ""),
                                str(entry["consumer"]), tuple(receivers))
    return Forward(forwarded, str(entry.get("publisher", "")))


def render_forwarding(side: str, forwards: Sequence[Forward]) -> str:
    """The module's text for ``side`` (the service's name, or ``"monolith"``)."""
    template = make_environment(_TEMPLATES).get_template("forwarding.py.j2")
    return template.render(side=side, forwards=forwards, monolith=MONOLITH_SIDE)
