"""Benchmark signals forwarded as events: throughput and outbox-to-receiver latency.

A throwaway PostgreSQL and RabbitMQ on loopback; one Django process (``auth.User``'s
``post_save`` forwarded) whose relay and consumer run as threads, as
``manage.py decompose_relay`` and ``decompose_consume`` would run them. Two phases:

- burst: N users saved as fast as one writer can, each in its own transaction; events per
  second from the first commit to the last receiver call (relay and consumer keep up or not);
- paced: events at a fixed rate well below that, so the latency from the sender's commit to
  the receiver's call is the pipeline's (poll interval, publish confirm, consume, replay), not
  the queue's; p50 and p99.

    python benchmarks/events.py               # 2,000 burst events, 500 paced at 20/s
    python benchmarks/events.py --burst 5000 --paced 1000 --rate 200
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.postgres import temporary_postgres  # noqa: E402
from tests.support.rabbitmq import temporary_rabbitmq  # noqa: E402

FORWARDING = "benchmark_events_forwarding"


def configure(database_url: str, broker_url: str) -> None:
    """Django with the events app, forwarding User saves to itself (one process, both sides)."""
    import django
    from django.conf import settings

    forwarding = types.ModuleType(FORWARDING)
    forwarding.SIDE = "bench"  # type: ignore[attr-defined]
    entry = {"signal": "django.db.models.signals.post_save", "sender": "auth.User",
             "consumer": "bench"}
    forwarding.PUBLISH = forwarding.CONSUME = [entry]  # type: ignore[attr-defined]
    sys.modules[FORWARDING] = forwarding
    user_host = database_url.removeprefix("postgres://")
    credentials, _, location = user_host.partition("@")
    hostport, _, name = location.partition("/")
    host, _, port = hostport.partition(":")
    settings.configure(
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes",
                        "decompose_runtime.events"],
        DATABASES={"default": {"ENGINE": "django.db.backends.postgresql", "NAME": name,
                               "USER": credentials, "HOST": host, "PORT": port}},
        DECOMPOSE_EVENTS_FORWARDING=FORWARDING, DECOMPOSE_BROKER_URL=broker_url, USE_TZ=True,
        LOGGING_CONFIG=None)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def in_thread(work: Callable[[], None]) -> threading.Thread:
    """Run ``work`` in a daemon thread that closes its own database connection."""
    from django.db import connection

    def run() -> None:
        try:
            work()
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def phase(count: int, rate: float | None) -> tuple[float, list[float]]:
    """Save ``count`` users (at ``rate`` per second, or flat out); return events per second
    (first commit to last receiver call) and each event's commit-to-receiver latency."""
    from django.contrib.auth.models import User
    from django.db import transaction
    from django.db.models.signals import post_save

    committed: dict[int, float] = {}
    received: dict[int, float] = {}
    done = threading.Event()

    def receiver(sender: Any, instance: User, **kwargs: Any) -> None:
        from decompose_runtime.events.context import replaying

        if replaying.get():
            received[instance.pk] = time.perf_counter()
            if len(received) == count:
                done.set()

    post_save.connect(receiver, sender=User, weak=False, dispatch_uid="benchmark")
    start = time.perf_counter()
    for index in range(count):
        if rate:
            time.sleep(max(0.0, start + index / rate - time.perf_counter()))
        with transaction.atomic():
            user = User.objects.create(username=f"u{time.monotonic_ns()}-{index}")
        committed[user.pk] = time.perf_counter()
    if not done.wait(timeout=600):
        raise SystemExit(f"only {len(received)} of {count} events arrived")
    post_save.disconnect(dispatch_uid="benchmark", sender=User)
    first = min(committed.values())
    return count / (max(received.values()) - first), [
        received[pk] - at for pk, at in committed.items()]


def stages(count: int, url: str) -> tuple[float, float]:
    """Events per second of the relay alone (draining ``count`` queued outbox rows) and of the
    consumer alone (draining the queue the relay filled), to say which one bounds a burst."""
    from django.contrib.auth.models import User
    from django.db import transaction

    from decompose_runtime.events.broker import Worker
    from decompose_runtime.events.consumer import Consumer
    from decompose_runtime.events.forwarding import load_forwarding
    from decompose_runtime.events.relay import Relay

    for index in range(count):
        with transaction.atomic():
            User.objects.create(username=f"s{time.monotonic_ns()}-{index}")
    forwarding = load_forwarding()
    start = time.perf_counter()
    Worker(url).run(Relay(forwarding, poll_interval=0).start, once=True)
    relayed = time.perf_counter()
    Worker(url).run(Consumer(forwarding).start, once=True)
    consumed = time.perf_counter() - 1.0  # the last step waited a second for more
    return count / (relayed - start), count / (consumed - relayed)


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burst", type=int, default=2000)
    parser.add_argument("--paced", type=int, default=500)
    parser.add_argument("--rate", type=float, default=20.0)
    args = parser.parse_args()
    with temporary_postgres("events") as database_url, temporary_rabbitmq() as broker:
        configure(database_url, broker.url)
        relay_rate, consumer_rate = stages(args.burst, broker.url)
        from decompose_runtime.events.broker import Worker
        from decompose_runtime.events.consumer import Consumer
        from decompose_runtime.events.forwarding import load_forwarding
        from decompose_runtime.events.relay import Relay

        forwarding = load_forwarding()
        relay, consumer = Worker(broker.url), Worker(broker.url)
        threads = [in_thread(lambda: relay.run(Relay(forwarding).start)),
                   in_thread(lambda: consumer.run(Consumer(forwarding).start))]
        burst_rate, burst = phase(args.burst, None)
        _, paced = phase(args.paced, args.rate)
        relay.stop()
        consumer.stop()
        for thread in threads:
            thread.join(timeout=10)
    print(f"stages alone: relay {relay_rate:,.0f} events/s (one confirmed publish at a time), "
          f"consumer {consumer_rate:,.0f} events/s")
    print(f"burst: {args.burst} events, {burst_rate:,.0f} events/s end to end "
          f"(latency p50 {percentile(burst, 0.5) * 1000:,.0f} ms, "
          f"p99 {percentile(burst, 0.99) * 1000:,.0f} ms: queueing)")
    p50, p99 = percentile(paced, 0.5) * 1000, percentile(paced, 0.99) * 1000
    print(f"paced at {args.rate:g}/s: {args.paced} events, outbox-to-receiver latency "
          f"p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    print(f"ratio: paced p99 / p50 = {p99 / p50:.1f}")


if __name__ == "__main__":
    main()
