"""Settings as real projects write them: loops, comprehensions, entry points, classes,
django-configurations and django-split-settings (one fixture project each, exact results)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.discovery import discover
from decompose.modules import default_site_paths

from .conftest import FIXTURES


def installed(root: Path, site: tuple[Path, ...] | None = None
              ) -> tuple[list[str], set[tuple[str, str]]]:
    project = discover(root, site_paths=site)
    warnings = {(d.code, str(d.location)) for d in project.diagnostics}
    return [a.name for a in project.apps], warnings


def test_loops_comprehensions_and_entry_points_keep_every_known_app() -> None:
    root = FIXTURES / "settings_loops"
    apps, warnings = installed(root, (root / "env" / "site-packages", *default_site_paths()))
    assert apps == ["django.contrib.contenttypes", "django.contrib.auth", "blog", "shop",
                    "features.search", "features.billing", "loops_polls"]
    assert ("dynamic-installed-apps", "conf/settings.py:18") in warnings


def test_entry_points_come_from_the_environment_searched() -> None:
    apps, _ = installed(FIXTURES / "settings_loops")
    assert "loops_polls" not in apps


def test_settings_class_with_property_inheritance_and_super_loaded_by_a_classmethod() -> None:
    apps, warnings = installed(FIXTURES / "settings_class")
    assert apps == ["django.contrib.contenttypes", "django.contrib.auth", "catalog",
                    "devtools", "orders", "sandbox"]
    assert not warnings


@pytest.mark.parametrize(("configuration", "last"), [(None, "lab"), ("Prod", "billing")])
def test_django_configurations_class_picked_as_its_loader_would(
        monkeypatch: pytest.MonkeyPatch, configuration: str | None, last: str) -> None:
    if configuration:
        monkeypatch.setenv("DJANGO_CONFIGURATION", configuration)
    else:
        monkeypatch.delenv("DJANGO_CONFIGURATION", raising=False)
    apps, warnings = installed(FIXTURES / "settings_configurations")
    assert apps == ["django.contrib.contenttypes", "django.contrib.auth", "accounts", last]
    assert not warnings


def test_split_settings_include_runs_files_in_one_namespace() -> None:
    apps, warnings = installed(FIXTURES / "settings_split")
    assert apps == ["django.contrib.contenttypes", "inventory", "warehouse", "reports"]
    assert not warnings
