"""The data module each side reads to know which signals it forwards and which it consumes.

The same plan renders it twice, once as the service and once as the monolith, so the two sides
agree on every routing key (``signal:sender``) by construction.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from decompose.model import ForwardedSignal
from decompose_runtime.names import EVENTS_FORWARDING_MODULE
from extractor.render import make_environment

FORWARDING_FILE = f"{EVENTS_FORWARDING_MODULE}.py"
_TEMPLATES = Path(__file__).parent / "templates" / "extraction"


def render_forwarding(side: str, signals: Sequence[ForwardedSignal]) -> str:
    """The module's text for ``side`` (the service's name, or ``"monolith"``)."""
    template = make_environment(_TEMPLATES).get_template("forwarding.py.j2")
    return template.render(side=side, signals=signals)
