"""The sample monolith's demo users as ``manage.py seed_demo`` creates them (``demo/seed.py``)."""

from __future__ import annotations

import hashlib

DEMO_PASSWORD = "demo-password"


def demo_token(username: str) -> str:
    """The deterministic demo API token of ``username``."""
    return hashlib.sha1(f"decompose-demo:{username}".encode()).hexdigest()
