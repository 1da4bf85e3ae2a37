"""The outbox (events recorded with the change that caused them) and the processed-event log
(events whose receivers have run here, so a redelivery is skipped)."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:  # the stubs' generic fields; Django's own classes are not subscriptable
    _Text = models.CharField[str, str]
    _Moment = models.DateTimeField[datetime.datetime, datetime.datetime]


class OutboxEvent(models.Model):
    """An event waiting for the relay; written in the sender's transaction, so a rolled-back
    change leaves no event behind. ``origin`` lets both sides share one table."""

    event_id: models.UUIDField[uuid.UUID, uuid.UUID] = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False)
    origin: _Text = models.CharField(max_length=100)
    routing_key: _Text = models.CharField(max_length=300)
    aggregate: _Text = models.CharField(max_length=300, blank=True)
    payload: models.JSONField[Any, Any] = models.JSONField()
    request_id: _Text = models.CharField(max_length=100, blank=True)
    created_at: _Moment = models.DateTimeField(auto_now_add=True)
    sent_at: models.DateTimeField[datetime.datetime | None, datetime.datetime | None] = (
        models.DateTimeField(null=True, blank=True))

    class Meta:
        db_table = "decompose_outbox"
        indexes = [models.Index(fields=["origin", "sent_at", "id"], name="decompose_outbox_unsent")]

    def __str__(self) -> str:
        return f"{self.event_id} {self.routing_key} {self.aggregate}"


class ProcessedEvent(models.Model):
    """An event whose receivers ran and committed on this side (keyed by event id)."""

    event_id: models.UUIDField[uuid.UUID, uuid.UUID] = models.UUIDField(primary_key=True)
    side: _Text = models.CharField(max_length=100)
    processed_at: _Moment = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "decompose_processed_event"

    def __str__(self) -> str:
        return str(self.event_id)
