"""The monolith's pins, read from whichever dependency files it has; the service takes them."""

from __future__ import annotations

from pathlib import Path

import pytest

from decompose.errors import CannotExtract
from extractor.plan.pins import (
    Pin,
    ServiceRequirement,
    check_django,
    monolith_pins,
    service_requirements,
)
from extractor.spec import SKELETON_REQUIREMENTS


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def specifiers(root: Path) -> dict[str, tuple[str, str]]:
    return {name: (pin.specifier, pin.origin) for name, pin in monolith_pins(root).items()}


def test_a_monolith_without_dependency_files_pins_nothing(tmp_path: Path):
    assert monolith_pins(tmp_path) == {}
    assert service_requirements({}, SKELETON_REQUIREMENTS)[0] == ServiceRequirement(
        "django>=5.2,<5.3", "")


def test_requirements_files_with_includes_constraints_and_continuations(tmp_path: Path):
    root = project(tmp_path, {
        "requirements.txt": "-r requirements/base.txt\n--constraint constraints.txt\n"
                            "gunicorn  # any\n",
        "requirements/base.txt": "# base\nDjango>=4.2,<5.0 \\\n    --hash=sha256:abc\n"
                                 "psycopg[binary] (>=3.1.8)\n-e git+https://x/y.git#egg=y\n"
                                 "-r ../requirements.txt\n",
        "constraints.txt": "django-filter==23.5 ; python_version >= '3.8'\n",
    })
    assert specifiers(root) == {
        "django": (">=4.2,<5.0", "requirements/base.txt:2"),
        "psycopg": (">=3.1.8", "requirements/base.txt:4"),
        "django-filter": ("==23.5", "constraints.txt:1"),
    }


def test_poetry_ranges_and_its_lock_which_wins(tmp_path: Path):
    root = project(tmp_path, {
        "pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.11"\ndjango = "^4.2"\n'
                          'djangorestframework = {version = "~3.14", extras = []}\n'
                          'celery = "5.3.6"\nrequests = "*"\n',
    })
    assert specifiers(root) == {"django": (">=4.2,<5", "pyproject.toml"),
                                "djangorestframework": (">=3.14,<3.15", "pyproject.toml"),
                                "celery": ("==5.3.6", "pyproject.toml")}
    project(tmp_path, {"poetry.lock": '[[package]]\nname = "Django"\nversion = "4.2.16"\n'})
    assert specifiers(root)["django"] == ("==4.2.16", "poetry.lock")


def test_pipfile_and_pipfile_lock(tmp_path: Path):
    root = project(tmp_path, {
        "Pipfile": '[packages]\ndjango = "==5.1.*"\nrequests = "*"\n'
                   'drf-spectacular = {version = ">=0.27", extras = ["sidecar"]}\n',
        "Pipfile.lock": '{"default": {"django": {"version": "==5.1.4"}}, "develop": {}}',
    })
    assert specifiers(root) == {"django": ("==5.1.4", "Pipfile.lock"),
                                "drf-spectacular": (">=0.27", "Pipfile")}


def test_pyproject_project_dependencies_and_uv_lock(tmp_path: Path):
    root = project(tmp_path, {
        "pyproject.toml": '[project]\nname = "shop"\ndependencies = ["Django>=5.1,<5.2"]\n',
        "uv.lock": 'version = 1\n[[package]]\nname = "shop"\nversion = "0.1.0"\n'
                   'source = { editable = "." }\n[[package]]\nname = "django"\n'
                   'version = "5.1.7"\nsource = { registry = "https://pypi.org/simple" }\n',
    })
    assert specifiers(root) == {"django": ("==5.1.7", "uv.lock")}


def test_the_service_takes_the_monolith_pin_keeping_its_own_extras():
    pins = {"psycopg": Pin("psycopg", "==3.1.18", "requirements.txt:5")}
    assert service_requirements(pins, ("psycopg[binary]>=3.2,<4", "urllib3>=2.2,<3",
                                       "psycopg>=3")) == (
        ServiceRequirement("psycopg[binary]==3.1.18", "requirements.txt:5"),
        ServiceRequirement("urllib3>=2.2,<3", ""))


def test_a_monolith_pinning_only_django_gets_the_libraries_serving_its_django():
    """DRF 3.16+ needs Django 4.2, psycopg 3 too: a Django 3.2 monolith's service takes DRF
    3.15.0-3.15.1 and the monolith's psycopg2; Django 6.0 takes DRF 3.17+."""
    def drf_and_driver(**pins: Pin) -> tuple[str, ...]:
        wanted = SKELETON_REQUIREMENTS
        return tuple(r.requirement for r in service_requirements(pins, wanted)
                     if r.requirement.startswith(("djangorestframework", "psycopg")))

    taiga = Pin("django", "==3.2.25", "requirements.txt:62")
    assert drf_and_driver(django=taiga) == ("djangorestframework>=3.15,<3.15.2",
                                            "psycopg2-binary>=2.9,<3")
    assert drf_and_driver(django=taiga, psycopg2=Pin("psycopg2", "==2.9.11", "r.txt:9")) == (
        "djangorestframework>=3.15,<3.15.2", "psycopg2==2.9.11")
    assert drf_and_driver(django=Pin("django", ">=4.2,<5.2", "r.txt:1")) == (
        "djangorestframework>=3.15.2,<3.18", "psycopg[binary]>=3.2,<4")
    assert drf_and_driver(django=Pin("django", "==5.2.15", "r.txt:1")) == (
        "djangorestframework>=3.16,<4", "psycopg[binary]>=3.2,<4")
    assert drf_and_driver(django=Pin("django", "==6.0.8", "r.txt:1")) == (
        "djangorestframework>=3.17,<4", "psycopg[binary]>=3.2,<4")
    # The monolith's own DRF pin wins over the range chosen for its Django.
    assert drf_and_driver(django=taiga, djangorestframework=Pin(
        "djangorestframework", "==3.12.4", "r.txt:3")) == ("djangorestframework==3.12.4",
                                                           "psycopg2-binary>=2.9,<3")


def test_a_django_outside_the_runtime_range_is_refused_naming_the_pin():
    check_django({}, ">=3.2,<6.1")
    check_django({"django": Pin("django", ">=2.2,<4", "requirements.txt:1")}, ">=3.2,<6.1")
    with pytest.raises(CannotExtract) as refused:
        check_django({"django": Pin("django", "==2.2.28", "requirements/base.txt:4")},
                     ">=3.2,<6.1")
    assert str(refused.value) == (
        "requirements/base.txt:4: the monolith pins Django ==2.2.28, outside what "
        "decompose-runtime supports (Django >=3.2,<6.1): the service and the bridge run the "
        "monolith's Django; upgrade Django into that range first")


def test_a_range_chosen_for_the_monolith_django_says_so():
    pins = {"django": Pin("django", "==3.2.25", "requirements.txt:62")}
    found = {r.requirement: r for r in service_requirements(pins, SKELETON_REQUIREMENTS)}
    assert found["djangorestframework>=3.15,<3.15.2"].for_django == (
        "==3.2.25 at requirements.txt:62")
    assert found["gunicorn>=23,<28"].for_django == ""
