"""The extraction benchmark's before/after comparison of a monolith's suite, on real pytest runs."""

from __future__ import annotations

import sys
from pathlib import Path

from benchmarks.monolith_suite import SuiteCounts, SuiteRun, compare, run_suite


def _run(folder: Path, tests: str, log: str) -> SuiteRun:
    (folder / "test_app.py").write_text(tests)
    return run_suite([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], folder,
                     {"PATH": "/usr/bin:/bin"}, 60, "full suite", folder / f"{log}.log")


def test_a_run_records_each_tests_outcome(tmp_path: Path) -> None:
    run = _run(tmp_path, "import pytest\ndef test_ok(): pass\ndef test_no(): assert False\n"
                         "@pytest.mark.skip\ndef test_skip(): pass\n", "before")
    assert run.counts == SuiteCounts(1, 1, 0, 1)
    assert run.outcomes == {"test_app::test_ok": "passed", "test_app::test_no": "failed",
                            "test_app::test_skip": "skipped"}


def test_added_passing_tests_leave_the_suite_unchanged_test_by_test(tmp_path: Path) -> None:
    base = "def test_ok(): pass\ndef test_no(): assert False\n"
    before = _run(tmp_path, base, "before")
    after = _run(tmp_path, base + "def test_new_app(): pass\n", "after")
    change = compare(before, after)
    assert change is not None and change.unchanged
    assert change.added == ("test_app::test_new_app",) and not change.changed
    assert str(change) == "1 added, 0 of them failing (test_app::test_new_app)"


def test_a_test_whose_outcome_changes_or_that_goes_is_a_difference(tmp_path: Path) -> None:
    before = _run(tmp_path, "def test_ok(): pass\ndef test_gone(): pass\n", "before")
    after = _run(tmp_path, "def test_ok(): assert False\ndef test_new(): assert False\n",
                 "after")
    change = compare(before, after)
    assert change is not None and not change.unchanged
    assert change.changed == ("test_app::test_gone: passed -> gone",
                              "test_app::test_ok: passed -> failed")
    assert change.added_failing == ("test_app::test_new",)
