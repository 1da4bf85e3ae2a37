"""Never silently empty: settings that hide the project's apps are an error or a loud warning
naming the construct and the way out; ``installed_apps`` in the config states the list."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analyzer.pipeline import build_graph
from decompose.errors import SettingsNotFound

from .conftest import FIXTURES, write_tree
from .test_command import run

OPAQUE = FIXTURES / "settings_opaque"


def test_no_own_app_found_is_an_error_naming_the_loop_and_the_way_out() -> None:
    with pytest.raises(SettingsNotFound) as failure:
        build_graph(OPAQUE, use_cache=False)
    message = str(failure.value)
    assert "names none of the project's apps (billing, orders)" in message
    assert "could not be fully evaluated at settings.py:7" in message
    assert "--settings MODULE" in message
    assert "installed_apps = [...]" in message


def test_fewer_apps_than_the_project_has_is_a_warning(tmp_path: Path) -> None:
    root = shutil.copytree(OPAQUE, tmp_path / "p")
    write_tree(root, {"settings.py": 'INSTALLED_APPS = ("django.contrib.contenttypes", '
                                     '"django.contrib.auth", "orders")\n'})
    graph = build_graph(root, use_cache=False)
    [warning] = [w for w in graph.warnings if w.code == "unlisted-apps"]
    assert warning.message.startswith("1 package(s) with models.py or apps.py are not in "
                                      "INSTALLED_APPS (billing); if the project installs them")


def test_installed_apps_in_the_config_replaces_the_settings_list(tmp_path: Path) -> None:
    root = shutil.copytree(OPAQUE, tmp_path / "p")
    write_tree(root, {"pyproject.toml": '[tool.decompose]\ninstalled_apps = '
                                        '["django.contrib.contenttypes", "django.contrib.auth", '
                                        '"orders", "billing.apps.BillingConfig"]\n'})
    result = run(str(root), "--no-cache", "--format", "json", "--out", str(root / "out"))
    assert result.returncode == 0, result.stderr
    graph = (root / "out" / "graph.json").read_text()
    assert '"target": "billing.Customer"' in graph
    assert "unlisted-apps" not in graph


def test_malformed_installed_apps_is_a_config_error(tmp_path: Path) -> None:
    root = shutil.copytree(OPAQUE, tmp_path / "p")
    write_tree(root, {"decompose.toml": "installed_apps = \"orders\"\n"})
    result = run(str(root), "--no-cache", "--format", "json", "--out", str(root / "out"))
    assert result.returncode == 2
    assert "decompose.toml: installed_apps must be a list of dotted app names" in result.stderr
