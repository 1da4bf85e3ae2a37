"""Latency of one request path against another, resolved below the noise of a shared machine.

One client sends the same request to each path in turn, in a shuffled order every round, on one
keep-alive connection per path, so the paths see the same moments of load; each round's
latencies belong together. What a hop adds is the median of the per-round differences (hop minus
direct): the upstream's own noise, shared by the round, mostly cancels in each difference. Its
95% interval comes from a bootstrap over rounds; the difference of the two p50s, with its own
interval, is given beside it as a check (it estimates the same shift, with the full noise of
both sides).
"""

from __future__ import annotations

import http.client
import random
import statistics
import time
from collections.abc import Iterable
from dataclasses import dataclass

BOOTSTRAP_RESAMPLES = 2000


@dataclass(frozen=True)
class Target:
    """Where a path sends the request, and its Authorization header ("" for none)."""

    port: int
    authorization: str


@dataclass(frozen=True)
class Added:
    """What ``hop`` adds over ``direct`` at p50, in ms."""

    direct_p50: float
    hop_p50: float
    paired: float  # median of the per-round differences
    paired_interval: tuple[float, float]  # its 95% bootstrap interval
    p50_interval: tuple[float, float]  # the same for hop_p50 - direct_p50

    @property
    def p50(self) -> float:
        return self.hop_p50 - self.direct_p50

    def verdict(self, budget: float) -> str:
        low, high = self.paired_interval
        if high <= budget:
            return f"<= {budget:g} ms: holds"
        if low > budget:
            return f"<= {budget:g} ms: fails"
        return f"<= {budget:g} ms: not resolved"


def interleaved(targets: dict[str, Target], path: str, rounds: int, *, warmup: int = 20,
                seed: int = 16) -> dict[str, list[float]]:
    """Per target, the latency in ms of each round's request (after ``warmup`` rounds)."""
    connections = {name: http.client.HTTPConnection("127.0.0.1", target.port, timeout=30)
                   for name, target in targets.items()}
    order = list(targets)
    shuffle = random.Random(seed).shuffle
    latencies: dict[str, list[float]] = {name: [] for name in targets}
    try:
        for count in range(warmup + rounds):
            shuffle(order)
            for name in order:
                elapsed = _timed(connections[name], path, targets[name].authorization)
                if count >= warmup:
                    latencies[name].append(elapsed)
    finally:
        for connection in connections.values():
            connection.close()
    return latencies


def _timed(connection: http.client.HTTPConnection, path: str, authorization: str) -> float:
    headers = {"Authorization": authorization} if authorization else {}
    start = time.perf_counter()
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    elapsed = 1000 * (time.perf_counter() - start)
    if authorization and response.status != 200:
        raise SystemExit(f"GET {path} on :{connection.port} answered {response.status}")
    return elapsed  # a connection the server closed is reopened by the next request


def added(hop: list[float], direct: list[float], *, seed: int = 16) -> Added:
    """The p50 ``hop`` adds over ``direct`` (same rounds, same order), with its intervals."""
    differences = [h - d for h, d in zip(hop, direct, strict=True)]
    draw = random.Random(seed).choices
    indices = range(len(direct))
    samples = [draw(indices, k=len(direct)) for _ in range(BOOTSTRAP_RESAMPLES)]
    return Added(
        statistics.median(direct), statistics.median(hop), statistics.median(differences),
        _interval(statistics.median(differences[i] for i in sample) for sample in samples),
        _interval(statistics.median(hop[i] for i in sample)
                  - statistics.median(direct[i] for i in sample) for sample in samples))


def _interval(estimates: Iterable[float]) -> tuple[float, float]:
    ordered = sorted(estimates)
    return (ordered[int(0.025 * len(ordered))], ordered[int(0.975 * len(ordered)) - 1])
