"""The forwarding module of the events tests: one process plays both sides, so it consumes
what it publishes (SIDE and PEER are the same), from the queue decompose.events.loop."""

SIDE = "loop"
PEER = "loop"
_SIGNALS = [
    {"signal": "django.db.models.signals.post_save", "sender": "auth.User",
     "receivers": ["runtime_test_receivers.py:1 user_saved"]},
    {"signal": "django.db.models.signals.post_delete", "sender": "auth.User", "receivers": []},
    {"signal": "django.db.models.signals.m2m_changed", "sender": "auth.User_groups",
     "receivers": []},
    {"signal": "runtime_test_signals.parcel_sent", "sender": None, "receivers": []},
]
PUBLISH = _SIGNALS
CONSUME = _SIGNALS
