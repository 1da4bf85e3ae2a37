"""The service's lock: extracting again keeps what the replaced service's uv.lock pinned."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from extractor.lock import LOCK_FILE, lock


def _project(folder: Path, requirement: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text(
        '[project]\nname = "orders"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
        f'dependencies = ["{requirement}"]\n')
    return folder


def _locked(folder: Path, name: str) -> str:
    packages = tomllib.loads((folder / LOCK_FILE).read_text())["package"]
    return next(p["version"] for p in packages if p["name"] == name)


def test_a_version_the_replaced_lock_pins_is_kept_while_it_satisfies_the_range(
        tmp_path: Path):
    # the first extraction locked sqlparse 0.4.4; the index has newer ones since
    before = _project(tmp_path / "before", "sqlparse==0.4.4")
    lock(before, sys.executable)
    again = _project(tmp_path / "again", "sqlparse>=0.4,<1")
    lock(again, sys.executable, previous=before / LOCK_FILE)
    assert _locked(again, "sqlparse") == "0.4.4"
    fresh = _project(tmp_path / "fresh", "sqlparse>=0.4,<1")
    lock(fresh, sys.executable)
    assert _locked(fresh, "sqlparse") != "0.4.4"  # without it: the newest the range allows


def test_a_replaced_lock_uv_cannot_read_is_left_aside(tmp_path: Path):
    broken = tmp_path / "old.lock"
    broken.write_text("this is not a lock\n")
    service = _project(tmp_path / "service", "sqlparse==0.4.4")
    lock(service, sys.executable, previous=broken)
    assert _locked(service, "sqlparse") == "0.4.4"
