"""Prometheus metrics that add up correctly across gunicorn's worker processes.

With PROMETHEUS_MULTIPROC_DIR set (gunicorn.conf.py sets it), each worker writes its samples to
files there and /metrics sums them; without it (tests, manage.py) the in-process registry is used.
"""

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUESTS = Counter(
    "http_requests",
    "HTTP requests handled, by method, URL route and status code.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time spent producing a response, by method and URL route.",
    ["method", "route"],
)


def exposition() -> tuple[bytes, str]:
    """The current samples in Prometheus' text format, and its content type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
