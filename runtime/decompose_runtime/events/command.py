"""What the two management commands share: options, the metrics port, SIGTERM handling, log
lines with the request id and the event id."""

from __future__ import annotations

import signal
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from prometheus_client import start_http_server

from decompose_runtime.events import logs
from decompose_runtime.events.broker import Worker, broker_url


def add_worker_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--once", action="store_true",
                        help="stop once there is nothing left to do (tests, cron)")
    parser.add_argument("--metrics-port", type=int, default=None,
                        help="serve Prometheus metrics on this port")
    parser.add_argument("--heartbeat", type=Path, default=None,
                        help="file touched on every loop, for a liveness probe")


def start_worker(options: dict[str, Any]) -> Worker:
    """A worker for DECOMPOSE_BROKER_URL that stops cleanly on SIGTERM/SIGINT, whose log lines
    (and its receivers') carry the request id and the event id."""
    logs.install()
    if options.get("metrics_port"):
        start_http_server(options["metrics_port"])
    worker = Worker(broker_url(), options.get("heartbeat"))
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: worker.stop())
    return worker
