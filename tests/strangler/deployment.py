"""The real thing for the live routing proofs: the sample monolith patched by
``decompose extract orders --apply`` and the extracted ``orders`` service, each under gunicorn on
loopback, sharing one PostgreSQL seeded with ``manage.py seed_demo``.

Nothing here stands in for a component: the service, the bridge app and its token endpoint are
exactly what the extractor writes, and keys are fresh RS256 pairs handed over by environment.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.strangler import proxies
from tests.support.keys import key_pair
from tests.support.processes import clean_env, decompose_cli, run

HOSTS = "127.0.0.1,localhost"


@dataclass(frozen=True)
class Deployment:
    """The two upstreams a gateway routes between, and the files describing them."""

    project: Path  # the patched monolith (graph.json in decompose-report/)
    service_root: Path  # services/orders, with extraction.json
    monolith: proxies.Gunicorn
    service: proxies.Gunicorn


def extract_orders(work: Path) -> tuple[Path, Path]:
    """Copy the sample monolith, analyze it, extract orders with --apply: (project, service)."""
    project = work / "shop"
    shutil.copytree(proxies.SAMPLE, project, ignore=shutil.ignore_patterns(
        "db.sqlite3", "__pycache__", ".pytest_cache", "decompose-report", "decompose.toml"))
    decompose_cli("analyze", project, "--out", project / "decompose-report", cwd=work)
    decompose_cli("extract", "orders", "--project", project, "--apply", cwd=work)
    return project, work / "services" / "orders"


@contextlib.contextmanager
def orders_deployment(work: Path, database_url: str) -> Iterator[Deployment]:
    project, service_root = extract_orders(work)
    token, service_keys = key_pair(), key_pair()
    common = {"DJANGO_SETTINGS_MODULE": "config.settings.production",
              "DJANGO_ALLOWED_HOSTS": HOSTS, "DJANGO_SECURE_SSL_REDIRECT": "false",
              "DJANGO_LOG_LEVEL": "WARNING", "DATABASE_URL": database_url}
    monolith_env = clean_env(
        **common, DJANGO_SECRET_KEY="monolith-" + "m" * 50,
        DECOMPOSE_TOKEN_PRIVATE_KEY=token.private,
        DECOMPOSE_SERVICE_PUBLIC_KEYS=json.dumps({"orders": service_keys.public}))
    run([sys.executable, "manage.py", "migrate", "-v0"], project, monolith_env)
    run([sys.executable, "manage.py", "seed_demo"], project, monolith_env)
    logs = work / "logs"
    logs.mkdir()
    with proxies.gunicorn(monolith_env, logs, "monolith", cwd=project) as monolith:
        service_env = clean_env(
            **common, DJANGO_SECRET_KEY="service-" + "s" * 50,
            MONOLITH_URL=f"http://{monolith.address}",
            DECOMPOSE_SERVICE_PRIVATE_KEY=service_keys.private,
            DECOMPOSE_TOKEN_PUBLIC_KEY=token.public,
            PROMETHEUS_MULTIPROC_DIR=str(work / "prometheus"))
        with proxies.gunicorn(service_env, logs, "service", cwd=service_root,
                              config="gunicorn.conf.py") as service:
            yield Deployment(project, service_root, monolith, service)
