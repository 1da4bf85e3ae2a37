"""The project's Python: its environment's interpreter first, else what it declares; the
grammar its modules are read with is the newest of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from decompose.errors import CannotExtract
from extractor.plan.environment import MonolithEnvironment
from extractor.plan.python_version import RUNNING, ProjectPython, project_python

NO_ENVIRONMENT = MonolithEnvironment()


def test_a_project_declaring_nothing_runs_decomposes_python(tmp_path: Path):
    assert project_python(tmp_path, NO_ENVIRONMENT) == ProjectPython(
        RUNNING, "decompose's own Python", RUNNING)


def test_declarations_in_order_python_version_pyproject_dockerfile(tmp_path: Path):
    (tmp_path / "Dockerfile").write_text("# build\nFROM docker.io/library/python:3.13-alpine3.23\n")
    assert project_python(tmp_path, NO_ENVIRONMENT) == ProjectPython(
        "3.13", "Dockerfile:2", "3.13")
    (tmp_path / "pyproject.toml").write_text('[project]\nrequires-python = ">=3.12,<4"\n')
    assert project_python(tmp_path, NO_ENVIRONMENT) == ProjectPython(
        "3.12", "pyproject.toml", "3.13")
    (tmp_path / ".python-version").write_text("# pyenv\n3.11.7\n")
    assert project_python(tmp_path, NO_ENVIRONMENT) == ProjectPython(
        "3.11", ".python-version:2", "3.13")


def test_the_environment_the_analyzer_read_wins_and_an_old_python_is_refused(tmp_path: Path):
    venv = tmp_path / "venv"
    site = venv / "lib" / "python3.12" / "site-packages"
    (tmp_path / ".python-version").write_text("3.10\n")
    environment = MonolithEnvironment((site,), venv / "bin" / "python")
    assert project_python(tmp_path, environment) == ProjectPython(
        "3.12", str(venv / "bin" / "python"), "3.12")
    with pytest.raises(CannotExtract) as refused:
        project_python(tmp_path, NO_ENVIRONMENT)
    assert str(refused.value) == (
        ".python-version:1: the project runs Python 3.10, and decompose-runtime needs Python "
        ">=3.11: analyze the project with a newer interpreter (--python)")
