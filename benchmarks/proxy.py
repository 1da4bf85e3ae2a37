"""Latency and throughput the generated gateway hop adds for a signed-in client, and split
accuracy, on loopback, against the real thing.

Extracts ``orders`` from the sample monolith (``decompose extract --apply``), boots the patched
monolith and the extracted service under gunicorn on one throwaway PostgreSQL seeded with
``seed_demo``, renders nginx.conf and haproxy.cfg with ``decompose route``/``decompose proxy``
(credential exchange on, cached as configured), then runs wrk several times for p50/p99 and
req/s of GET /api/orders/ as alice at --full: the service direct with the bearer token the
monolith issued her, and through nginx and HAProxy with her monolith API token, which the
gateway exchanges (a cache hit after the first request, as for any returning client); filtered
to an empty page, since each listed order costs the service calls to the monolith for its
products, which would hide the hop. Then the same anonymously (DRF's 401 on every path). The
service does the same work on every path. Runs alternate between the paths, so a change of load
on the machine hits all of them alike; the load average is printed with the figures.
Then it counts the split over new clients at 10%.
Figures are medians over the runs, and medians of the per-round differences (paired).
Usage: python benchmarks/proxy.py [--runs 3] [--seconds 5] [--clients 4000]
"""

from __future__ import annotations

import argparse
import os
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
# Signed in, a page with no order (none created after 2100): the service authenticates the
# user and counts, without the calls to the monolith each listed order costs, so the hop shows.
SIGNED_IN_PATH = "/api/orders/?created_after=2100-01-01T00:00:00Z"


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


def paired_medians(hop: list[dict[str, float]], direct: list[dict[str, float]]) -> dict[str, float]:
    """Each round measures direct and the hops back to back: the median of the per-round p50
    difference and throughput ratio, so load that drifts between rounds cancels out."""
    return {"p50": statistics.median(h["p50"] - d["p50"] for h, d in zip(hop, direct, strict=True)),
            "rps": statistics.median(100 * h["rps"] / d["rps"]
                                     for h, d in zip(hop, direct, strict=True))}


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
    rounds: dict[str, list[dict[str, float]]] = {}
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
                runs: dict[str, list[dict[str, float]]] = {name: [] for name in ports}
                for port, authorization in ports.values():
                    wrk(port, 1, path, authorization if signed_in else "")  # warm-up
                for _ in range(args.runs):
                    for name, (port, authorization) in ports.items():
                        runs[name].append(wrk(port, args.seconds, path,
                                              authorization if signed_in else ""))
                for name, figures in runs.items():
                    results[f"{name}, {client}"] = median_of(figures)
                    rounds[f"{name}, {client}"] = figures
            load = os.getloadavg()[0]
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
        paired = paired_medians(rounds[name], rounds["service direct, " + name.split(", ")[1]])
        print(f"{'added ' + name:<36}: p50 {hop['p50'] - direct['p50']:+7.2f} ms  "
              f"p99 {hop['p99'] - direct['p99']:+7.2f} ms  "
              f"throughput {100 * hop['rps'] / direct['rps']:5.1f}% of direct; "
              f"paired per round: p50 {paired['p50']:+.2f} ms, {paired['rps']:.1f}%")
    share = 100 * sum(r.backend == "orders" for r in replies) / len(replies)
    print(f"split at 10%: {share:.2f}% of {len(replies)} new clients on the service "
          f"(error {share - 10:+.2f} points); medians of {args.runs} wrk runs of "
          f"{args.seconds}s, 2 threads, 8 connections; load average {load:.1f} on "
          f"{os.cpu_count()} cores")


if __name__ == "__main__":
    main()
