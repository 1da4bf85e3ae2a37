"""Latency and throughput the generated gateway hop adds for a signed-in client, and split
accuracy, on loopback, against the real thing.

Extracts ``orders`` from the sample monolith (``decompose extract --apply``), boots the patched
monolith and the extracted service under gunicorn on one throwaway PostgreSQL seeded with
``seed_demo``, renders nginx.conf and haproxy.cfg with ``decompose route``/``decompose proxy``
(credential exchange on, cached as configured), then runs wrk several times for p50/p99 and
req/s of GET /api/orders/ as alice at --full: the service direct with the bearer token the
monolith issued her, and through nginx and HAProxy with her monolith API token, which the
gateway exchanges (a cache hit after the first request, as for any returning client); one
order a page (``?page_size=1``), since each order costs the service calls to the monolith for
its products, which would hide the hop. Then the same anonymously (DRF's 401 on every path: the
cheapest request, so the hop's largest share). The service does the same work on every path.
Then it counts the split over new clients at 10%.
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
# Signed in, one order a page: the service's own work (its calls to the monolith for the
# order's products) stays small, so the hop's share of the time shows.
SIGNED_IN_PATH = "/api/orders/?page_size=1"


def wrk(port: int, seconds: int, path: str, authorization: str) -> dict[str, float]:
    headers = ["-H", f"Authorization: {authorization}"] if authorization else []
    out = subprocess.run(["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", *headers,
                          f"http://127.0.0.1:{port}{path}"],
                         capture_output=True, text=True, check=True).stdout
    found = {m.group(1): _ms(m.group(2)) for m in re.finditer(r"^\s+(50|99)%\s+(\S+)", out, re.M)}
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    if authorization and re.search(r"Non-2xx or 3xx responses", out):
        sys.exit(f"wrk got error responses from :{port}:\n{out}")
    return {"p50": found["50"], "p99": found["99"], "rps": rate}


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


def line(name: str, figures: dict[str, float]) -> str:
    return (f"{name:<36}: p50 {figures['p50']:7.2f} ms  p99 {figures['p99']:7.2f} ms  "
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
            ports = {"service direct": (deployment.service.port, bearer),
                     "through nginx": (gates["nginx"].port, monolith_token),
                     "through HAProxy": (gates["haproxy"].port, monolith_token)}
            for client, path, signed_in in (("signed in", SIGNED_IN_PATH, True),
                                            ("anonymous", PATH, False)):
                for name, (port, authorization) in ports.items():
                    sent = authorization if signed_in else ""
                    wrk(port, 1, path, sent)  # warm-up: connections, the exchange cache
                    results[f"{name}, {client}"] = median_of(
                        [wrk(port, args.seconds, path, sent) for _ in range(args.runs)])
            gate = gates["nginx"]
            gate.server = nginx
            gate.move("--percent", "10")
            replies = proxies.many(gate.port, PATH, args.clients)
    for name, figures in results.items():
        print(line(name, figures))
    for name, hop in results.items():
        if name.startswith("service direct"):
            continue
        direct = results["service direct, " + name.split(", ")[1]]
        print(f"{'added ' + name:<36}: p50 {hop['p50'] - direct['p50']:+7.2f} ms  "
              f"p99 {hop['p99'] - direct['p99']:+7.2f} ms  "
              f"throughput {100 * hop['rps'] / direct['rps']:5.1f}% of direct")
    share = 100 * sum(r.backend == "orders" for r in replies) / len(replies)
    print(f"split at 10%: {share:.2f}% of {len(replies)} new clients on the service "
          f"(error {share - 10:+.2f} points); medians of {args.runs} wrk runs of "
          f"{args.seconds}s, 2 threads, 8 connections")


if __name__ == "__main__":
    main()
