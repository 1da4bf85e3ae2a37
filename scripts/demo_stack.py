"""The demo's whole path on a copy of sample_monolith: analyze, extract orders, route 10%.

Runs the real commands (``decompose analyze``, ``extract --apply``, ``route``, ``proxy``), then
starts the patched monolith and the extracted service under gunicorn and nginx in front of
them, RabbitMQ with the service's outbox relay and the monolith's event consumer (so an order
placed through the service still notifies the customer), all on loopback, and leaves them
running so the traffic split and an event crossing can be watched.
``demo_stack.py stop`` stops them. Everything lives in ``.demo/`` (git-ignored), or in
``--work DIR`` on the ports ``--ports MONOLITH,SERVICE,GATEWAY`` (the tests run it that way).

The guide it prints is a list of commands that run exactly as printed from the repository root
(``$`` lines; ``\\`` continues one): the venv's ``decompose`` by its path, no activation needed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.support.keys import key_pair  # noqa: E402  (the same throwaway keys the tests use)
from tests.support.rabbitmq import RabbitNode  # noqa: E402

DEFAULT_WORK = ROOT / ".demo"
DEFAULT_PORTS = (8000, 8001, 8080)  # monolith, orders service, nginx gateway


def shown(path: Path) -> str:
    """A path as the guide prints it: relative to the repository root when inside it."""
    path = path.resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def run(*args: str | Path, cwd: Path = ROOT, env: dict[str, str] | None = None) -> None:
    print("$", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=cwd, env=env, check=True)


def gunicorn(name: str, cwd: Path, port: int, env: dict[str, str], logs: Path,
             *config: str) -> None:
    """Start a detached gunicorn that logs to the demo's logs folder and records its pid."""
    run(sys.executable, "-m", "gunicorn", *config, "--bind", f"127.0.0.1:{port}",
        "--workers", "2", "--daemon", "--pid", logs / f"{name}.pid",
        "--access-logfile", logs / f"{name}.access.log",
        "--error-logfile", logs / f"{name}.error.log", "config.wsgi", cwd=cwd, env=env)


def wait_for(port: int, logs: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"demo: nothing answers on 127.0.0.1:{port}; see {logs}")


def command(name: str, cwd: Path, env: dict[str, str], logs: Path, *args: str) -> None:
    """Start a detached ``manage.py`` command (relay, consumer) logging to the logs folder."""
    print("$ python manage.py", *args, flush=True)
    with (logs / f"{name}.log").open("ab") as log:
        process = subprocess.Popen([sys.executable, "manage.py", *args], cwd=cwd, env=env,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    (logs / f"{name}.pid").write_text(str(process.pid))


def stop(work: Path) -> None:
    """Stop whatever an earlier demo left running (nginx first, then the upstreams, the
    event workers and RabbitMQ)."""
    proxy = work / "shop" / "proxy"
    if (proxy / "nginx.pid").exists():
        subprocess.run(["nginx", "-s", "quit", "-c", str(proxy / "nginx.conf")], check=False)
    logs = work / "logs"
    for pid_file in logs.glob("*.pid") if logs.exists() else ():
        with contextlib.suppress(ValueError, ProcessLookupError):
            os.kill(int(pid_file.read_text()), signal.SIGTERM)
        pid_file.unlink()
    broker = logs / "rabbitmq.json"
    if broker.exists():
        RabbitNode.attach(work / "rabbitmq", json.loads(broker.read_text())).stop()
        broker.unlink()


def start(work: Path, ports: tuple[int, int, int]) -> None:
    monolith_port, service_port, gateway_port = ports
    shop, logs = work / "shop", work / "logs"
    stop(work)
    shutil.rmtree(work, ignore_errors=True)
    logs.mkdir(parents=True)
    shutil.copytree(ROOT / "sample_monolith", shop, ignore=shutil.ignore_patterns(
        "db.sqlite3", "__pycache__", "decompose-report", "decompose.toml", "proxy", "services"))

    decompose = Path(sys.executable).with_name("decompose")
    run(decompose, "analyze", shop, "--out", shop / "decompose-report")
    run(decompose, "extract", "orders", "--project", shop, "--apply")

    token, service_keys = key_pair(), key_pair()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DECOMPOSE_"))}
    common = {**base, "DJANGO_SETTINGS_MODULE": "config.settings.production",
              "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
              "DJANGO_SECURE_SSL_REDIRECT": "false",
              "DATABASE_URL": f"sqlite:///{work / 'shop.sqlite3'}"}
    monolith = {**common, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DECOMPOSE_TOKEN_PRIVATE_KEY": token.private,
                "DECOMPOSE_SERVICE_PUBLIC_KEYS": json.dumps({"orders": service_keys.public})}
    service = {**common, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
               "MONOLITH_URL": f"http://127.0.0.1:{monolith_port}",
               "DECOMPOSE_SERVICE_PRIVATE_KEY": service_keys.private,
               "DECOMPOSE_TOKEN_PUBLIC_KEY": token.public,
               "PROMETHEUS_MULTIPROC_DIR": str(work / "prometheus")}
    run(sys.executable, "manage.py", "migrate", "-v0", cwd=shop, env=monolith)
    run(sys.executable, "manage.py", "seed_demo", cwd=shop, env=monolith)
    gunicorn("monolith", shop, monolith_port, monolith, logs)
    gunicorn("service", work / "services" / "orders", service_port, service, logs,
             "--config", "gunicorn.conf.py")
    wait_for(monolith_port, logs)
    wait_for(service_port, logs)
    broker = RabbitNode(work / "rabbitmq")
    broker.start()
    (logs / "rabbitmq.json").write_text(json.dumps(broker.env))
    command("relay", work / "services" / "orders",
            {**service, "DECOMPOSE_BROKER_URL": broker.url}, logs, "decompose_relay")
    command("consumer", shop, {**monolith, "DECOMPOSE_BROKER_URL": broker.url}, logs,
            "decompose_consume")

    run(decompose, "route", "orders", "--project", shop, "--percent", "10",
        "--upstream", f"127.0.0.1:{service_port}", "--monolith", f"127.0.0.1:{monolith_port}")
    run(decompose, "proxy", "--target", "nginx", "--project", shop,
        "--listen", f"127.0.0.1:{gateway_port}")
    run("nginx", "-c", shop / "proxy" / "nginx.conf")
    wait_for(gateway_port, logs)
    where = "" if work == DEFAULT_WORK else f" --work {shown(work)}"
    print(GUIDE.format(work=shown(work), shop=shown(shop), decompose=shown(decompose),
                       ports=ports, port=gateway_port, stop=f"./scripts/demo stop{where}"),
          flush=True)


GUIDE = """
Done. The analysis report: {shop}/decompose-report/report.html
The extracted service:    {work}/services/orders (EXTRACTION.md says what moved and what did not)
Running on loopback: monolith :{ports[0]}, orders service :{ports[1]},
nginx gateway :{port} (10% of clients to orders)
Every $ line runs as printed from this folder (the venv's decompose by its path).

Watch the split: every request below is a new client; about 10% land on the service.
  $ for i in $(seq 40); do curl -s -o /dev/null -w '%header{{x-decompose-backend}}\\n' \\
        http://127.0.0.1:{port}/api/orders/; done | sort | uniq -c
  $ tail -n 5 {shop}/proxy/access.log              # backend= says which side answered
A customer gets the same JSON from either side (alice's demo API token):
  $ curl -s -H 'Authorization: Token 988138bdc00e2bf59a053ca31c17b7899b4ac9e0' \\
        -H 'X-Decompose-Route: service' 'http://127.0.0.1:{port}/api/orders/?page_size=1'
Watch an event cross: place an order through the service; the monolith's notifications app
(which stayed) still tells alice, through the outbox, RabbitMQ and the monolith's consumer:
  $ curl -s -X POST -H 'Content-Type: application/json' -H 'X-Decompose-Route: service' \\
        -H 'Authorization: Token 988138bdc00e2bf59a053ca31c17b7899b4ac9e0' \\
        -d '{{"shipping_address": 1, "lines": [{{"product": 1, "quantity": 1}}]}}' \\
        http://127.0.0.1:{port}/api/orders/
  $ grep 'receivers ran' {work}/logs/consumer.log   # event <id> request <id>: receivers ran
  $ curl -s -H 'Authorization: Token 988138bdc00e2bf59a053ca31c17b7899b4ac9e0' \\
        'http://127.0.0.1:{port}/api/notifications/?page_size=3'
Force a side:
  $ curl -si -H 'X-Decompose-Route: service' http://127.0.0.1:{port}/api/orders/
Move traffic (the state, then the proxy: validated, reloaded, checked against what it serves):
  $ {decompose} route orders --project {shop} --percent 50
  $ {decompose} proxy --project {shop} --reload
Saved state and what the proxy serves, side by side:
  $ {decompose} route --status --project {shop}
Roll back:
  $ {decompose} route orders --project {shop} --rollback
  $ {decompose} proxy --project {shop} --reload
Stop it all:
  $ {stop}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("action", nargs="?", choices=["start", "stop"], default="start")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--ports", default=",".join(map(str, DEFAULT_PORTS)),
                        help="MONOLITH,SERVICE,GATEWAY")
    args = parser.parse_args()
    work = args.work.resolve()
    if args.action == "stop":
        stop(work)
        return
    monolith, service, gateway = (int(p) for p in args.ports.split(","))
    start(work, (monolith, service, gateway))


if __name__ == "__main__":
    main()
