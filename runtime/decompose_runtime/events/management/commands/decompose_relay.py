from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from decompose_runtime.events.command import add_worker_arguments, start_worker
from decompose_runtime.events.forwarding import load_forwarding
from decompose_runtime.events.relay import Relay


class Command(BaseCommand):
    help = "Publish this side's outbox events to RabbitMQ (DECOMPOSE_BROKER_URL), confirmed."

    def add_arguments(self, parser: ArgumentParser) -> None:
        add_worker_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        relay = Relay(load_forwarding())
        start_worker(options).run(relay.start, once=options["once"])
