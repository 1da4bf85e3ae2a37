from __future__ import annotations

from django.apps import AppConfig


class EventsConfig(AppConfig):
    """Connects the outbox recorders for the signals this side publishes; on a side without a
    request-id variable of its own (the monolith), each request's X-Request-ID is kept for the
    events it causes."""

    name = "decompose_runtime.events"
    label = "decompose_events"
    verbose_name = "decompose events"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started

        from decompose_runtime.events import context, recording
        from decompose_runtime.events.forwarding import load_forwarding

        forwarding = load_forwarding()
        recording.connect_recorders(forwarding.publish, forwarding.side)
        if context.own_request_id():
            request_started.connect(context.request_started, dispatch_uid="decompose_events")
            request_finished.connect(context.request_finished, dispatch_uid="decompose_events")
