"""A throwaway PostgreSQL cluster on loopback, for tests that need the real database.

Used as a context manager by pytest fixtures, and as ``python -m tests.support.postgres -- CMD``
to run a command (the sample monolith's suite) with ``DATABASE_URL`` pointing at a fresh cluster.
The server listens on 127.0.0.1 only, lives in a temp folder and is stopped and removed on exit.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _pg_bin(program: str) -> str:
    """Locate a server binary: PATH first, then Debian's versioned folders (newest first)."""
    found = shutil.which(program)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{program}"),
                        key=lambda p: int(p.parts[4]), reverse=True)
    if not candidates:
        raise RuntimeError(f"PostgreSQL's {program} not found (apt-get install postgresql)")
    return str(candidates[0])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_server_user() -> tuple[list[str], int | None, int | None]:
    """PostgreSQL refuses to run as root: drop to the 'postgres' user when we are root."""
    if os.geteuid() != 0:
        return [], None, None
    user = pwd.getpwnam("postgres")
    return ["runuser", "-u", "postgres", "--"], user.pw_uid, user.pw_gid


@contextlib.contextmanager
def temporary_postgres(dbname: str = "decompose") -> Iterator[str]:
    """Start a fresh cluster and yield a ``postgres://`` URL to an empty database ``dbname``."""
    prefix, uid, gid = _as_server_user()
    base = Path(tempfile.mkdtemp(prefix="decompose-pg-"))
    data, sockets = base / "data", base / "run"
    sockets.mkdir()
    if uid is not None:
        for path in (base, sockets):
            os.chown(path, uid, gid)
    port = _free_port()
    log = base / "server.log"
    run = {"check": True, "stdout": subprocess.PIPE, "stderr": subprocess.STDOUT, "text": True}
    try:
        subprocess.run([*prefix, _pg_bin("initdb"), "-D", str(data), "-U", "postgres",
                        "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"], **run)
        subprocess.run([*prefix, _pg_bin("pg_ctl"), "-D", str(data), "-l", str(log), "-w",
                        "-o", f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets} "
                              "-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
                        "start"], **run)
        subprocess.run([_pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U",
                        "postgres", dbname], **run)
        yield f"postgres://postgres@127.0.0.1:{port}/{dbname}"
    except subprocess.CalledProcessError as exc:
        server_log = log.read_text() if log.exists() else ""
        raise RuntimeError(f"PostgreSQL failed: {exc.cmd}\n{exc.stdout}\n{server_log}") from None
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run([*prefix, _pg_bin("pg_ctl"), "-D", str(data), "-m", "immediate",
                            "-w", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def main(argv: list[str]) -> int:
    """``python -m tests.support.postgres -- CMD ...``: run CMD with DATABASE_URL set."""
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        print("usage: python -m tests.support.postgres -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    with temporary_postgres() as url:
        print(f"PostgreSQL ready at {url}", file=sys.stderr)
        return subprocess.run(argv, env={**os.environ, "DATABASE_URL": url}).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
