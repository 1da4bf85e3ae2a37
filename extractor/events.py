"""The data module each side reads to know which signals it forwards and which it consumes.

The same plan renders it twice, once as the service and once as the monolith, so the two sides
agree on every routing key (``signal:sender``) by construction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from decompose.model import ForwardedSignal
from decompose_runtime.names import EVENTS_FORWARDING_MODULE
from extractor.render import make_environment

FORWARDING_FILE = f"{EVENTS_FORWARDING_MODULE}.py"
_TEMPLATES = Path(__file__).parent / "templates" / "extraction"


def _entry(forwarded: ForwardedSignal) -> str:
    return json.dumps({"signal": forwarded.signal, "sender": forwarded.sender or None,
                       "consumer": forwarded.consumer,
                       "receivers": [f"{r.location} {r.name}" for r in forwarded.receivers]},
                      sort_keys=True).replace(": null", ": None")


def render_forwarding(side: str, signals: Sequence[ForwardedSignal]) -> str:
    """The module's text for ``side`` (the service's name, or ``"monolith"``)."""
    template = make_environment(_TEMPLATES).get_template("forwarding.py.j2")
    return template.render(side=side, signals=signals, entry=_entry)
