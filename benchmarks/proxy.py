"""Latency and throughput the generated gateway hop adds for a signed-in client, and split
accuracy, on loopback, against the real thing.

Extracts ``orders`` from the sample monolith (``decompose extract --apply``), boots the patched
monolith and the extracted service under gunicorn on one throwaway PostgreSQL seeded with
``seed_demo``, renders nginx.conf and haproxy.cfg with ``decompose route``/``decompose proxy``
(credential exchange on, cached as configured), then runs wrk several times for p50/p99 and
req/s of GET /api/orders/ as alice at --full: the service direct with the bearer token the
monolith issued her, and through nginx and HAProxy with her monolith API token, which the
gateway exchanges (a cache hit after the first request, as for any returning client). The
service does the same work on every path. Then it counts the split over new clients at 10%.
Figures are medians over the runs.
Usage: python benchmarks/proxy.py [--runs 3] [--seconds 5] [--clients 4000]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.strangler import proxies
from tests.strangler.deployment import orders_deployment
from tests.strangler.gateway import Gateway
from tests.support.demo import demo_token
from tests.support.postgres import temporary_postgres

PATH = "/api/orders/"


def wrk(port: int, seconds: int, authorization: str) -> dict[str, float]:
    out = subprocess.run(["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency",
                          "-H", f"Authorization: {authorization}",
                          f"http://127.0.0.1:{port}{PATH}"],
                         capture_output=True, text=True, check=True).stdout
    found = {m.group(1): _ms(m.group(2)) for m in re.finditer(r"^\s+(50|99)%\s+(\S+)", out, re.M)}
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    if re.search(r"Non-2xx or 3xx responses", out):
        sys.exit(f"wrk got error responses from :{port}:\n{out}")
    return {"p50": found["50"], "p99": found["99"], "rps": rate}


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


def line(name: str, figures: dict[str, float]) -> str:
    return (f"{name:<34}: p50 {figures['p50']:7.2f} ms  p99 {figures['p99']:7.2f} ms  "
            f"{figures['rps']:6.0f} req/s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--clients", type=int, default=4000)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk not found: apt-get install wrk")
    results: dict[str, dict[str, float]] = {}
    monolith_token = f"Token {demo_token('alice')}"
    with tempfile.TemporaryDirectory() as tmp, temporary_postgres("shop") as url, \
            orders_deployment(Path(tmp), url) as deployment:
        gates = {target: Gateway(deployment, target, Path(tmp) / target, proxies.free_port())
                 for target in ("nginx", "haproxy")}
        for gate in gates.values():
            gate.settings(auth_exchange=True)
            gate.route("--full")
            gate.publish()
        issued = proxies.request(deployment.monolith.port, "/_decompose/token",
                                 headers={"Authorization": monolith_token})
        bearer = f"Bearer {issued.headers['x-decompose-token']}"
        with proxies.nginx(gates["nginx"].runtime / "nginx.conf", gates["nginx"].port) as nginx, \
                proxies.haproxy(gates["haproxy"].runtime / "haproxy.cfg", gates["haproxy"].port):
            cases = {"service direct (gunicorn, bearer)": (deployment.service.port, bearer),
                     "through nginx (exchange, cached)": (gates["nginx"].port, monolith_token),
                     "through HAProxy (exchange, cached)": (gates["haproxy"].port,
                                                            monolith_token)}
            for name, (port, authorization) in cases.items():
                wrk(port, 1, authorization)  # warm-up: connections, the exchange cache
                results[name] = median_of([wrk(port, args.seconds, authorization)
                                           for _ in range(args.runs)])
            gate = gates["nginx"]
            gate.server = nginx
            gate.move("--percent", "10")
            replies = proxies.many(gate.port, PATH, args.clients)
    for name, figures in results.items():
        print(line(name, figures))
    direct, *hops = results.values()
    for name, hop in zip(list(results)[1:], hops, strict=True):
        label = "added " + name.split(" (")[0]
        print(f"{label:<34}: p50 {hop['p50'] - direct['p50']:+7.2f} ms  "
              f"p99 {hop['p99'] - direct['p99']:+7.2f} ms  "
              f"throughput {100 * hop['rps'] / direct['rps']:5.1f}% of direct")
    share = 100 * sum(r.backend == "orders" for r in replies) / len(replies)
    print(f"split at 10%: {share:.2f}% of {len(replies)} new clients on the service "
          f"(error {share - 10:+.2f} points); medians of {args.runs} wrk runs of "
          f"{args.seconds}s, 2 threads, 8 connections")


if __name__ == "__main__":
    main()
