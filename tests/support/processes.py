"""Commands and servers that tests run as real subprocesses, with a clean environment.

A command that fails fails the test with its output; a process is always stopped, killed if it
ignores SIGTERM, so no test leaves a server behind.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Settings the test process has (or a previous stage set) that must not leak into a child.
_LEAKING = ("DJANGO_", "PYTEST_", "DECOMPOSE_", "MONOLITH_", "PROMETHEUS_")


def clean_env(**values: str) -> dict[str, str]:
    """The current environment without Django/pytest/decompose settings, plus ``values``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_LEAKING)}
    env.pop("DATABASE_URL", None)
    return {**env, **values}


def completed(args: list[str], cwd: Path, env: dict[str, str],
              timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``args`` run to success in ``cwd``; otherwise the test fails showing the output."""
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout)
    if result.returncode:
        pytest.fail(f"{' '.join(map(str, args))} exited {result.returncode} in {cwd}\n"
                    f"{result.stdout[-6000:]}\n{result.stderr[-6000:]}")
    return result


def run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 300) -> str:
    """What a successful command printed: stdout, then stderr."""
    result = completed(args, cwd, env, timeout)
    return result.stdout + result.stderr


def decompose_cli(*args: str | Path, cwd: Path) -> str:
    """The real ``decompose`` command line, run from ``cwd``."""
    return run([sys.executable, "-c", "from decompose.cli import main; main()",
                *map(str, args)], cwd, clean_env())


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
