from __future__ import annotations

from django.apps import AppConfig


class EventsConfig(AppConfig):
    """Connects the outbox recorders for the signals this side publishes."""

    name = "decompose_runtime.events"
    label = "decompose_events"
    verbose_name = "decompose events"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from decompose_runtime.events import recording
        from decompose_runtime.events.forwarding import load_forwarding

        forwarding = load_forwarding()
        recording.connect_recorders(forwarding.publish, forwarding.side)
