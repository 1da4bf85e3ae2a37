"""The forwarding module of the events tests: one process plays both sides, so it consumes
what it publishes (SIDE is the consumer of every signal), from the queue decompose.events.loop."""

SIDE = "loop"
_SIGNALS = [
    {"signal": "django.db.models.signals.post_save", "sender": "auth.User",
     "consumer": "loop", "receivers": ["runtime_test_events.py user_saved"]},
    {"signal": "django.db.models.signals.post_delete", "sender": "auth.User", "consumer": "loop"},
    {"signal": "django.db.models.signals.m2m_changed", "sender": "auth.User_groups",
     "consumer": "loop"},
    {"signal": "runtime_test_signals.parcel_sent", "sender": None, "consumer": "loop"},
]
PUBLISH = _SIGNALS
CONSUME = _SIGNALS
