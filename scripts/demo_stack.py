"""The demo's whole path on a copy of sample_monolith: analyze, extract orders, route 10%.

Runs the real commands (``decompose analyze``, ``extract --apply``, ``route``, ``proxy``), then
starts the patched monolith and the extracted service under gunicorn and nginx in front of
them, RabbitMQ with the service's outbox relay and the monolith's event consumer (so an order
placed through the service still notifies the customer), all on loopback, and leaves them
running so the traffic split and an event crossing can be watched.
``demo_stack.py stop`` stops them. Everything lives in ``.demo/`` (git-ignored).
"""

from __future__ import annotations

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

WORK = ROOT / ".demo"
SHOP = WORK / "shop"
SERVICE = WORK / "services" / "orders"
LOGS = WORK / "logs"
MONOLITH_PORT, SERVICE_PORT, GATEWAY_PORT = 8000, 8001, 8080


def run(*args: str | Path, cwd: Path = ROOT, env: dict[str, str] | None = None) -> None:
    print("$", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=cwd, env=env, check=True)


def gunicorn(name: str, cwd: Path, port: int, env: dict[str, str], *config: str) -> None:
    """Start a detached gunicorn that logs to .demo/logs and records its pid."""
    run(sys.executable, "-m", "gunicorn", *config, "--bind", f"127.0.0.1:{port}",
        "--workers", "2", "--daemon", "--pid", LOGS / f"{name}.pid",
        "--access-logfile", LOGS / f"{name}.access.log",
        "--error-logfile", LOGS / f"{name}.error.log", "config.wsgi", cwd=cwd, env=env)


def wait_for(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"demo: nothing answers on 127.0.0.1:{port}; see {LOGS}")


def command(name: str, cwd: Path, env: dict[str, str], *args: str) -> None:
    """Start a detached ``manage.py`` command (relay, consumer) logging to .demo/logs."""
    print("$ python manage.py", *args, flush=True)
    with (LOGS / f"{name}.log").open("ab") as log:
        process = subprocess.Popen([sys.executable, "manage.py", *args], cwd=cwd, env=env,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    (LOGS / f"{name}.pid").write_text(str(process.pid))


def stop() -> None:
    """Stop whatever an earlier demo left running (nginx first, then the upstreams, the
    event workers and RabbitMQ)."""
    conf = SHOP / "proxy" / "nginx.conf"
    if (SHOP / "proxy" / "nginx.pid").exists():
        subprocess.run(["nginx", "-s", "quit", "-c", str(conf)], check=False)
    for pid_file in LOGS.glob("*.pid") if LOGS.exists() else ():
        with contextlib.suppress(ValueError, ProcessLookupError):
            os.kill(int(pid_file.read_text()), signal.SIGTERM)
        pid_file.unlink()
    broker = LOGS / "rabbitmq.json"
    if broker.exists():
        node = RabbitNode.attach(WORK / "rabbitmq", json.loads(broker.read_text()))
        node.stop()
        broker.unlink()


def start() -> None:
    stop()
    shutil.rmtree(WORK, ignore_errors=True)
    LOGS.mkdir(parents=True)
    shutil.copytree(ROOT / "sample_monolith", SHOP, ignore=shutil.ignore_patterns(
        "db.sqlite3", "__pycache__", "decompose-report", "decompose.toml", "proxy", "services"))

    decompose = Path(sys.executable).with_name("decompose")
    run(decompose, "analyze", SHOP, "--out", SHOP / "decompose-report")
    run(decompose, "extract", "orders", "--project", SHOP, "--apply")

    token, service_keys = key_pair(), key_pair()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DECOMPOSE_"))}
    common = {**base, "DJANGO_SETTINGS_MODULE": "config.settings.production",
              "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
              "DJANGO_SECURE_SSL_REDIRECT": "false",
              "DATABASE_URL": f"sqlite:///{WORK / 'shop.sqlite3'}"}
    monolith = {**common, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DECOMPOSE_TOKEN_PRIVATE_KEY": token.private,
                "DECOMPOSE_SERVICE_PUBLIC_KEYS": json.dumps({"orders": service_keys.public})}
    service = {**common, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
               "MONOLITH_URL": f"http://127.0.0.1:{MONOLITH_PORT}",
               "DECOMPOSE_SERVICE_PRIVATE_KEY": service_keys.private,
               "DECOMPOSE_TOKEN_PUBLIC_KEY": token.public,
               "PROMETHEUS_MULTIPROC_DIR": str(WORK / "prometheus")}
    run(sys.executable, "manage.py", "migrate", "-v0", cwd=SHOP, env=monolith)
    run(sys.executable, "manage.py", "seed_demo", cwd=SHOP, env=monolith)
    gunicorn("monolith", SHOP, MONOLITH_PORT, monolith)
    gunicorn("service", SERVICE, SERVICE_PORT, service, "--config", "gunicorn.conf.py")
    wait_for(MONOLITH_PORT)
    wait_for(SERVICE_PORT)
    broker = RabbitNode(WORK / "rabbitmq")
    broker.start()
    (LOGS / "rabbitmq.json").write_text(json.dumps(broker.env))
    command("relay", SERVICE, {**service, "DECOMPOSE_BROKER_URL": broker.url}, "decompose_relay")
    command("consumer", SHOP, {**monolith, "DECOMPOSE_BROKER_URL": broker.url},
            "decompose_consume")

    run(decompose, "route", "orders", "--project", SHOP, "--percent", "10",
        "--upstream", f"127.0.0.1:{SERVICE_PORT}", "--monolith", f"127.0.0.1:{MONOLITH_PORT}")
    run(decompose, "proxy", "--target", "nginx", "--project", SHOP,
        "--listen", f"127.0.0.1:{GATEWAY_PORT}")
    run("nginx", "-c", SHOP / "proxy" / "nginx.conf")
    wait_for(GATEWAY_PORT)
    print(GUIDE.format(work=WORK.relative_to(ROOT), port=GATEWAY_PORT), flush=True)


GUIDE = """
Done. The analysis report: {work}/shop/decompose-report/report.html
The extracted service:    {work}/services/orders (EXTRACTION.md says what moved and what did not)
Running on loopback: monolith :8000, orders service :8001, nginx gateway :{port} (10% to orders)

Watch the split: every request below is a new client; about 10% land on the service.
  for i in $(seq 40); do curl -s -o /dev/null -w '%header{{x-decompose-backend}}\\n' \\
      http://127.0.0.1:{port}/api/orders/; done | sort | uniq -c
  tail -f {work}/shop/proxy/access.log          # backend= says which side answered
A customer gets the same JSON from either side (alice's demo API token):
  curl -s -H 'Authorization: Token 988138bdc00e2bf59a053ca31c17b7899b4ac9e0' \\
      -H 'X-Decompose-Route: service' http://127.0.0.1:{port}/api/orders/?page_size=1
Watch an event cross: place an order through the service; the monolith's notifications app
(which stayed) still tells alice, through the outbox, RabbitMQ and the monolith's consumer:
  curl -s -X POST -H 'Content-Type: application/json' -H 'X-Decompose-Route: service' \\
      -H 'Authorization: Token 988138bdc00e2bf59a053ca31c17b7899b4ac9e0' \\
      -d '{{"shipping_address": 1, "lines": [{{"product": 1, "quantity": 1}}]}}' \\
      http://127.0.0.1:{port}/api/orders/
  grep 'receivers ran' {work}/logs/consumer.log     # event <id> request <id>: receivers ran
  curl -s -H 'Authorization: Token 988138bdc00e2bf59a053ca31c17b7899b4ac9e0' \\
      http://127.0.0.1:{port}/api/notifications/?page_size=3
Force a side:   curl -H 'X-Decompose-Route: service' http://127.0.0.1:{port}/api/orders/ -i
Move traffic:   decompose route orders --project {work}/shop --percent 50 \\
                && decompose proxy --target nginx --project {work}/shop \\
                && nginx -s reload -c $PWD/{work}/shop/proxy/nginx.conf
Roll back:      decompose route orders --project {work}/shop --rollback  (then proxy + reload)
Stop it all:    ./scripts/demo stop
"""


if __name__ == "__main__":
    stop() if sys.argv[1:] == ["stop"] else start()
