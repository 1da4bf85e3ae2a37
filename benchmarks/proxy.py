"""Latency the generated nginx hop adds, and split accuracy, on loopback.

Starts the sample monolith under gunicorn twice (monolith + a stand-in service until the
extractor exists), renders nginx.conf with decompose at 10%, then runs wrk (Debian package) for
p50/p99 directly against gunicorn and through nginx, and counts the split over new clients.
Usage: python benchmarks/proxy.py [--seconds 10] [--clients 4000]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from strangler.backends import get_backend
from strangler.plan import build_plan
from strangler.publish import publish
from tests.strangler import proxies
from tests.strangler.sample import SAMPLE_URLS, orders_state

PATH = "/api/catalog/products/"  # a monolith path: same gunicorn work with and without the hop


def wrk(port: int, seconds: int) -> dict[str, float]:
    out = subprocess.run(["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency",
                          f"http://127.0.0.1:{port}{PATH}"],
                         capture_output=True, text=True, check=True).stdout
    found = {m.group(1): _ms(m.group(2)) for m in re.finditer(r"^\s+(50|99)%\s+(\S+)", out, re.M)}
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return {"p50": found["50"], "p99": found["99"], "rps": rate}


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--clients", type=int, default=4000)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk not found: apt-get install wrk")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = proxies.migrate_sample(work / "db.sqlite3")
        with proxies.gunicorn(env, work, "monolith") as mono, \
                proxies.gunicorn(env, work, "service") as svc:
            port = proxies.free_port()
            state = orders_state(mono.address, svc.address, weight=10)
            plan = build_plan(state, SAMPLE_URLS, listen=f"127.0.0.1:{port}",
                              runtime_dir=str(work / "proxy"))
            publish(get_backend("nginx"), plan, work / "proxy")
            with proxies.nginx(work / "proxy" / "nginx.conf", port):
                direct = wrk(mono.port, args.seconds)
                hop = wrk(port, args.seconds)
                replies = proxies.many(port, "/api/orders/", args.clients)
    share = 100 * sum(r.backend == "orders" for r in replies) / len(replies)
    print(f"direct gunicorn : p50 {direct['p50']:.2f} ms  p99 {direct['p99']:.2f} ms  "
          f"{direct['rps']:.0f} req/s")
    print(f"through nginx   : p50 {hop['p50']:.2f} ms  p99 {hop['p99']:.2f} ms  "
          f"{hop['rps']:.0f} req/s")
    print(f"added by the hop: p50 {hop['p50'] - direct['p50']:+.2f} ms  "
          f"p99 {hop['p99'] - direct['p99']:+.2f} ms")
    print(f"split at 10%    : {share:.2f}% of {len(replies)} new clients on the service "
          f"(error {share - 10:+.2f} points)")


if __name__ == "__main__":
    main()
