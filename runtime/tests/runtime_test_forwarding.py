"""The forwarding module of the events tests: one process plays both sides, so it consumes
what it publishes (SIDE is the consumer of every signal), from the queue decompose.events.loop.
``parcel_returned`` is published as a service publishes a signal of the monolith's (sent
through its stand-in) and consumed as the monolith consumes it (sent through the real one)."""

SIDE = "loop"
_SIGNALS = [
    {"signal": "django.db.models.signals.post_save", "sender": "auth.User",
     "consumer": "loop", "receivers": ["runtime_test_events.py user_saved"]},
    {"signal": "django.db.models.signals.post_delete", "sender": "auth.User", "consumer": "loop"},
    {"signal": "django.db.models.signals.m2m_changed", "sender": "auth.User_groups",
     "consumer": "loop"},
    {"signal": "runtime_test_signals.parcel_sent", "sender": None, "consumer": "loop"},
]
_RETURNED = {"signal": "runtime_test_signals.parcel_returned", "sender": None, "consumer": "loop"}
PUBLISH = [*_SIGNALS, {**_RETURNED, "stand_in": "runtime_test_signals.parcel_returned_stand_in"}]
CONSUME = [*_SIGNALS, _RETURNED]
