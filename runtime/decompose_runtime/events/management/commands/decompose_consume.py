from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from decompose_runtime.events.command import add_worker_arguments, start_worker
from decompose_runtime.events.consumer import Consumer
from decompose_runtime.events.forwarding import load_forwarding


class Command(BaseCommand):
    help = ("Consume the events the other side sends and re-send each signal here "
            "(DECOMPOSE_BROKER_URL; DECOMPOSE_EVENTS_MAX_TRIES tries, then the dead-letter queue).")

    def add_arguments(self, parser: ArgumentParser) -> None:
        add_worker_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        consumer = Consumer(load_forwarding())
        start_worker(options).run(consumer.start, once=options["once"])
