"""A monolith's own test suite, run the way its project runs it, reduced to comparable results.

Used by benchmarks/extract_corpus.py before and after ``decompose extract --apply``: the same
command on the checkout and on the patched copy must give the same counts. Both runners a
Django project uses are read: pytest's summary line and Django's ``manage.py test`` (unittest).
A pytest run also records each test's outcome (its JUnit XML report), so a patched copy whose
count differs can still be shown to give every test of the checkout the same result: a
project that generates a test per installed app (pretalx) has one more for each app the
patch installs.
"""

from __future__ import annotations

import re
import subprocess
import time
import xml.etree.ElementTree as ET
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
    outcomes: dict[str, str] | None = None  # test id -> passed/failed/error/skipped (pytest)

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


@dataclass(frozen=True)
class SuiteChange:
    """How a run after the patch differs from the run before it, test by test."""

    changed: tuple[str, ...]  # "id: before -> after" (a test gone reads "gone")
    added: tuple[str, ...]  # ids only the run after has
    added_failing: tuple[str, ...]

    @property
    def unchanged(self) -> bool:
        """Every test of the checkout gives the same result, and every added test passes."""
        return not self.changed and not self.added_failing

    def __str__(self) -> str:
        parts = [f"{len(self.changed)} changed ({', '.join(self.changed[:3])})"] * bool(
            self.changed)
        if self.added:
            parts.append(f"{len(self.added)} added, {len(self.added_failing)} of them failing "
                         f"({', '.join(self.added[:4])}{', ...' if len(self.added) > 4 else ''})")
        return "; ".join(parts) or "no test changed"


def compare(before: SuiteRun, after: SuiteRun) -> SuiteChange | None:
    """Test-by-test differences, or None when a run recorded no outcomes (unittest)."""
    if before.outcomes is None or after.outcomes is None:
        return None
    old, new = before.outcomes, after.outcomes
    changed = tuple(f"{test}: {old[test]} -> {new.get(test, 'gone')}"
                    for test in sorted(old) if new.get(test) != old[test])
    added = tuple(sorted(set(new) - set(old)))
    return SuiteChange(changed, added, tuple(t for t in added if new[t] != "passed"))


def junit_outcomes(report: Path) -> dict[str, str] | None:
    """Each test case of a JUnit XML report (pytest's ``--junitxml``) and its outcome."""
    try:
        root = ET.parse(report).getroot()
    except (OSError, ET.ParseError):
        return None
    outcomes = {}
    for case in root.iter("testcase"):
        kinds = {child.tag for child in case}
        outcome = ("failed" if "failure" in kinds else "error" if "error" in kinds
                   else "skipped" if "skipped" in kinds else "passed")
        test = f"{case.get('classname', '')}::{case.get('name', '')}"
        # a test that errors in teardown after passing is reported twice: the error counts
        if outcomes.get(test) in (None, "passed"):
            outcomes[test] = outcome
    return outcomes


def run_suite(command: list[str], cwd: Path, env: dict[str, str], timeout: float,
              selection: str, log: Path) -> SuiteRun:
    """Run ``command`` (pytest or ``manage.py test``), its output kept in ``log`` (and a
    pytest run's JUnit report beside it)."""
    report = log.with_suffix(".junit.xml")
    pytest = "pytest" in command
    if pytest:
        report.unlink(missing_ok=True)
        command = [*command, f"--junitxml={report}"]
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
    counts = pytest_counts(output) if pytest else unittest_counts(output)
    last = ([line.strip() for line in output.splitlines() if line.strip()] or ["no output"])[-1]
    return SuiteRun(counts, seconds, selection, "" if counts else last[:200],
                    junit_outcomes(report) if pytest else None)


def _text(output: str | bytes | None) -> str:
    """What a stopped run had printed (bytes even when text was asked for)."""
    return output.decode(errors="replace") if isinstance(output, bytes) else output or ""
