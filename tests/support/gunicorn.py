"""A Django project under gunicorn on a free loopback port, for tests that talk to it over HTTP."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import pytest

from tests.support.http import free_port
from tests.support.processes import stop


def start_gunicorn(cwd: Path, env: dict[str, str], log: Path, *args: str,
                   ready: Callable[[str], object], workers: int = 2,
                   timeout: float = 40, python: Path = Path(sys.executable),
                   fail: Callable[[str], NoReturn] = pytest.fail
                   ) -> tuple[str, subprocess.Popen]:
    """Its base URL and process once ``ready(url)`` holds; ``args``: options and the WSGI app;
    ``python``: the interpreter whose gunicorn runs (a generated service's own environment).

    ``ready`` raising OSError means "not listening yet". ``fail`` (the test fails, by default)
    is given the end of ``log`` (gunicorn's output) if gunicorn exits or is not ready in
    ``timeout`` seconds.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(python), "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), *args],
            cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            fail(f"gunicorn exited {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            if ready(url):
                return url, process
        except OSError:
            pass
        time.sleep(0.1)
    stop(process)
    fail(f"gunicorn was not ready in {timeout:.0f}s:\n{log.read_text()[-4000:]}")
