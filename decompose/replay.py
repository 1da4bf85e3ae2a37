"""The warm ``analyze`` answered before anything heavy is imported.

A run of ``decompose analyze`` that changed nothing prints what the previous identical run
printed: same graph, same proposal, same reports. What it costs is then the interpreter and
the imports (click, rich, the analyzer: several times the rest), so a successful run records
its printed output with the size and modification time of everything it was computed from
(the files and folders the graph was read from, the environment's search path folders, the
project's config and environment markers, the reports it left, decompose's own code). The
next run with the same arguments, working folder, environment variables and terminal checks
those with one ``os.stat`` each and, when none moved, prints the record and stops. Anything
else falls through to the normal command (which itself reuses the graph snapshot and the
reports when it can).

Standard library only, and only cheap modules of it: this runs before every command.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib
from collections.abc import Iterable
from pathlib import Path

from decompose.paths import cache_home

# Environment variables a run's output depends on: the project's environment and settings
# class, where the cache is, whether dot is on PATH, and how rich renders (colour, width).
_VARIABLES = ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "DJANGO_CONFIGURATION", "XDG_CACHE_HOME",
              "HOME", "PATH", "TERM", "COLORTERM", "NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES",
              "TTY_COMPATIBLE", "TTY_INTERACTIVE", "PYTHONIOENCODING", "LANG", "LC_ALL",
              "LC_CTYPE")
_FORMAT = 2  # bump when the record's layout changes
# (path, mtime_ns, size), as the graph snapshot records its inputs; (path, 0, -1) for a path
# that does not exist.
Watched = tuple[str, int, int]


def replay(argv: list[str]) -> bool:
    """Print the recorded output of this exact ``analyze`` invocation if none of its inputs
    changed; False (nothing printed) otherwise."""
    record = _record_file(argv)
    if record is None:
        return False
    try:
        with record.open("rb") as handle:
            version, key, watched, stdout, stderr = marshal.load(handle)
    except (OSError, EOFError, ValueError, TypeError):
        return False
    if version != _FORMAT or key != _key(argv):
        return False
    if any(stat_of(path) != (mtime, size) for path, mtime, size in watched):
        return False
    sys.stderr.write(stderr)
    sys.stderr.flush()
    sys.stdout.write(stdout)
    sys.stdout.flush()
    return True


def remember(argv: list[str], watched: Iterable[Watched], stdout: str,
             stderr: str) -> None:
    """Record a successful run's output and the stats it stands on (see ``replay``)."""
    record = _record_file(argv)
    if record is None:
        return
    data = (_FORMAT, _key(argv), tuple(sorted(set(watched))), stdout, stderr)
    tmp = record.with_name(f".{record.name}.{os.getpid()}.tmp")
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as handle:
            marshal.dump(data, handle)
        tmp.replace(record)
    except OSError:
        tmp.unlink(missing_ok=True)


def stat_of(path: str) -> tuple[int, int]:
    try:
        found = os.stat(path)  # noqa: PTH116 (plain strings: one call per watched path)
    except OSError:
        return (0, -1)
    return (found.st_mtime_ns, found.st_size)


def stats(paths: Iterable[str | Path]) -> list[Watched]:
    return [(str(path), *stat_of(str(path))) for path in paths]


def files_under(*folders: Path) -> list[str]:
    """Every file under ``folders`` (bytecode caches left out): the code a run executes."""
    found = []
    for top in folders:
        for folder, dirs, files in os.walk(top):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            found += [os.path.join(folder, name) for name in files]  # noqa: PTH118
    return found


def _record_file(argv: list[str]) -> Path | None:
    """Where the record of this invocation lives: the cache folder it names (or the default
    one), None for another command or ``--no-cache``."""
    if not argv or argv[0] != "analyze" or "--no-cache" in argv:
        return None
    directory = cache_home()
    for index, arg in enumerate(argv):
        if arg == "--cache-dir" and index + 1 < len(argv):
            directory = Path(argv[index + 1])
        elif arg.startswith("--cache-dir="):
            directory = Path(arg.partition("=")[2])
    text = _key(argv).encode()
    name = f"{zlib.crc32(text):08x}{zlib.adler32(text):08x}"
    return directory / "replay" / f"{name}.marshal"


def _key(argv: list[str]) -> str:
    """Everything besides files the output depends on: arguments, working folder,
    interpreter, environment variables and, on a terminal, its size."""
    terminals = []
    for fd in (1, 2):
        try:
            terminals.append(os.get_terminal_size(fd) if os.isatty(fd) else None)
        except OSError:
            terminals.append(None)
    return repr((str(Path.cwd()), argv, sys.executable, sys.version,
                 [os.environ.get(name) for name in _VARIABLES], terminals))
