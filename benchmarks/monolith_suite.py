"""A monolith's own test suite, run the way its project runs it, reduced to comparable counts.

Used by benchmarks/extract_corpus.py before and after ``decompose extract --apply``: the same
command on the checkout and on the patched copy must give the same counts. Both runners a
Django project uses are read: pytest's summary line and Django's ``manage.py test`` (unittest).
"""

from __future__ import annotations

import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

_PYTEST_COUNT = re.compile(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed)\b")
_UNITTEST_RAN = re.compile(r"^Ran (\d+) tests? in ", re.MULTILINE)
_UNITTEST_OUTCOME = re.compile(r"^(OK|FAILED)(?: \((.*)\))?\s*$", re.MULTILINE)


@dataclass(frozen=True)
class SuiteCounts:
    passed: int
    failed: int
    errors: int
    skipped: int

    def __str__(self) -> str:
        return (f"{self.passed} passed, {self.failed} failed, {self.errors} errors, "
                f"{self.skipped} skipped")


@dataclass(frozen=True)
class SuiteRun:
    """One run: its counts (None when the output has no summary), wall time, what was run."""

    counts: SuiteCounts | None
    seconds: float
    selection: str  # "full suite" or the paths given
    problem: str = ""  # "timed out after 900 s", the last output line when no summary

    def __str__(self) -> str:
        if self.counts is None:
            return f"no result: {self.problem}"
        return f"{self.counts} ({self.seconds:.0f} s)"


def pytest_counts(output: str) -> SuiteCounts | None:
    """The counts of pytest's last summary line (``3 passed, 1 skipped in 2.1s``)."""
    lines = [line for line in output.splitlines() if re.search(r"\bin [\d.]+s\b", line)]
    if not lines:
        return None
    found = {kind.rstrip("s") if kind.startswith("error") else kind: int(number)
             for number, kind in _PYTEST_COUNT.findall(lines[-1])}
    return SuiteCounts(found.get("passed", 0) + found.get("xpassed", 0),
                       found.get("failed", 0), found.get("error", 0),
                       found.get("skipped", 0) + found.get("xfailed", 0))


def unittest_counts(output: str) -> SuiteCounts | None:
    """The counts of ``manage.py test``: ``Ran 12 tests`` then ``FAILED (failures=1, ...)``."""
    ran, outcome = _UNITTEST_RAN.findall(output), _UNITTEST_OUTCOME.findall(output)
    if not ran or not outcome:
        return None
    details = dict(item.strip().split("=", 1) for item in outcome[-1][1].split(",")
                   if "=" in item)
    failed, errors = int(details.get("failures", 0)), int(details.get("errors", 0))
    skipped = int(details.get("skipped", 0)) + int(details.get("expected failures", 0))
    return SuiteCounts(int(ran[-1]) - failed - errors - skipped, failed, errors, skipped)


def run_suite(command: list[str], cwd: Path, env: dict[str, str], timeout: float,
              selection: str, log: Path) -> SuiteRun:
    """Run ``command`` (pytest or ``manage.py test``), its output kept in ``log``."""
    start = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired as stopped:
        log.write_text(f"$ {' '.join(command)}\n{_text(stopped.stdout)}\n{_text(stopped.stderr)}")
        return SuiteRun(None, time.perf_counter() - start, selection,
                        f"timed out after {timeout:.0f} s")
    seconds = time.perf_counter() - start
    output = done.stdout + "\n" + done.stderr
    log.write_text(f"$ {' '.join(command)}\n{output}")
    counts = pytest_counts(output) if "pytest" in command else unittest_counts(output)
    last = ([line.strip() for line in output.splitlines() if line.strip()] or ["no output"])[-1]
    return SuiteRun(counts, seconds, selection, "" if counts else last[:200])


def _text(output: str | bytes | None) -> str:
    """What a stopped run had printed (bytes even when text was asked for)."""
    return output.decode(errors="replace") if isinstance(output, bytes) else output or ""
