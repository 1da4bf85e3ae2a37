"""Prometheus counters for the relay and the consumer, served by ``--metrics-port``."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

published = Counter("decompose_events_published", "Outbox events confirmed by the broker")
consumed = Counter("decompose_events_consumed", "Events whose receivers ran and committed")
redelivered = Counter("decompose_events_redelivered",
                      "Deliveries the broker flagged as redelivered (skipped when processed)")
dead_lettered = Counter("decompose_events_dead_lettered", "Events sent to the dead-letter queue")
lag = Gauge("decompose_events_lag_seconds",
            "Seconds from the outbox write to the receivers' commit, for the last event")
backlog = Gauge("decompose_events_outbox_backlog", "Outbox rows of this side not yet published")
