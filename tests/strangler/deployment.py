"""The real thing for the live routing proofs: the sample monolith patched by
``decompose extract orders --apply`` and the extracted ``orders`` service, each under gunicorn on
loopback, sharing one PostgreSQL seeded with ``manage.py seed_demo``.

Nothing here stands in for a component: the service, the bridge app and its token endpoint are
exactly what the extractor writes, and keys are fresh RS256 pairs handed over by environment.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.strangler import proxies

DEMO_PASSWORD = "demo-password"  # demo/seed.py
HOSTS = "127.0.0.1,localhost"


def demo_token(username: str) -> str:
    """The sample monolith's deterministic demo API token (demo/seed.py)."""
    return hashlib.sha1(f"decompose-demo:{username}".encode()).hexdigest()


def key_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


@dataclass(frozen=True)
class Deployment:
    """The two upstreams a gateway routes between, and the files describing them."""

    project: Path  # the patched monolith (graph.json in decompose-report/)
    service_root: Path  # services/orders, with extraction.json
    monolith: proxies.Gunicorn
    service: proxies.Gunicorn


def _clean_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "PYTEST_", "DECOMPOSE_", "MONOLITH_"))}
    env.pop("DATABASE_URL", None)
    return {**env, "DJANGO_LOG_LEVEL": "WARNING", **values}


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
                          check=False)
    if done.returncode:
        raise RuntimeError(f"{' '.join(args)} exited {done.returncode}:\n{done.stdout}\n"
                           f"{done.stderr}")


def decompose(*args: str | Path, cwd: Path) -> None:
    _run([sys.executable, "-c", "from decompose.cli import main; main()", *map(str, args)], cwd)


def extract_orders(work: Path) -> tuple[Path, Path]:
    """Copy the sample monolith, analyze it, extract orders with --apply: (project, service)."""
    project = work / "shop"
    shutil.copytree(proxies.SAMPLE, project, ignore=shutil.ignore_patterns(
        "db.sqlite3", "__pycache__", ".pytest_cache", "decompose-report", "decompose.toml"))
    decompose("analyze", project, "--out", project / "decompose-report", cwd=work)
    decompose("extract", "orders", "--project", project, "--apply", cwd=work)
    return project, work / "services" / "orders"


@contextlib.contextmanager
def orders_deployment(work: Path, database_url: str) -> Iterator[Deployment]:
    project, service_root = extract_orders(work)
    token_private, token_public = key_pair()
    service_private, service_public = key_pair()
    common = {"DJANGO_SETTINGS_MODULE": "config.settings.production",
              "DJANGO_ALLOWED_HOSTS": HOSTS, "DJANGO_SECURE_SSL_REDIRECT": "false",
              "DATABASE_URL": database_url}
    monolith_env = _clean_env(
        **common, DJANGO_SECRET_KEY="monolith-" + "m" * 50,
        DECOMPOSE_TOKEN_PRIVATE_KEY=token_private,
        DECOMPOSE_SERVICE_PUBLIC_KEYS=json.dumps({"orders": service_public}))
    _run([sys.executable, "manage.py", "migrate", "-v0"], project, monolith_env)
    _run([sys.executable, "manage.py", "seed_demo"], project, monolith_env)
    logs = work / "logs"
    logs.mkdir()
    with proxies.gunicorn(monolith_env, logs, "monolith", cwd=project) as monolith:
        service_env = _clean_env(
            **common, DJANGO_SECRET_KEY="service-" + "s" * 50,
            MONOLITH_URL=f"http://{monolith.address}",
            DECOMPOSE_SERVICE_PRIVATE_KEY=service_private,
            DECOMPOSE_TOKEN_PUBLIC_KEY=token_public,
            PROMETHEUS_MULTIPROC_DIR=str(work / "prometheus"))
        with proxies.gunicorn(service_env, logs, "service", cwd=service_root,
                              config="gunicorn.conf.py") as service:
            yield Deployment(project, service_root, monolith, service)
