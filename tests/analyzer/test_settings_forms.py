"""Settings as real projects write them: loops, comprehensions, entry points, classes,
django-configurations and django-split-settings (one fixture project each, exact results)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.discovery import discover
from analyzer.settings_facts import settings_facts
from decompose.model import Location, SettingDefinition, SettingForm, SettingValue
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


def test_settings_facts_say_where_installed_apps_is_and_which_list_names_the_own_apps() -> None:
    split = settings_facts(discover(FIXTURES / "settings_split"))
    components = Location("proj/settings/components/apps.py", 1)
    # += and .append in another included file keep the list where it is written.
    assert split.installed_apps == split.app_list == SettingDefinition(
        "INSTALLED_APPS", components, SettingForm.LIST, included=True)
    assert split.known("INSTALLED_APPS") == [
        "django.contrib.contenttypes", "inventory", "warehouse", "reports"]
    edge = settings_facts(discover(FIXTURES / "edge_shop"))
    assert edge.installed_apps == SettingDefinition(
        "INSTALLED_APPS", Location("project/settings/base.py", 12), SettingForm.COMPUTED)
    assert edge.app_list == SettingDefinition(
        "LOCAL_APPS", Location("project/settings/base.py", 7), SettingForm.TUPLE)
    assert edge.root_urlconf == SettingDefinition(
        "ROOT_URLCONF", Location("project/settings/base.py", 15), SettingForm.LITERAL)
    assert (edge.import_root, edge.value("DATABASES")) == (".", SettingValue(
        "DATABASES", Location("project/settings/base.py", 16),
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        entries={"default": 16}))
    # A secret-looking setting is never written, not even its expression.
    assert edge.value("SECRET_KEY") == SettingValue(
        "SECRET_KEY", Location("project/settings/base.py", 1), opaque=True)


def test_setting_values_evaluated_read_from_the_environment_or_left_opaque(
        inline_project) -> None:
    graph = inline_project({"shop/__init__.py": ""}, apps=["shop"], settings_extra=(
        "import environ\n"                                                 # 2
        "env = environ.Env()\n"                                            # 3
        'BASE = {"PAGE_SIZE": 10, "ORDERING_PARAM": "o"}\n'                # 4
        'REST_FRAMEWORK = {**BASE, "PAGE_SIZE": 5 * 4, "X": env("X")}\n'  # 5
        'SITE = "shop".title() + "!"\n'                                    # 6
        'DEBUG = env.bool("DJANGO_DEBUG", default=False)\n'                # 7
        'API_URL = env("SHOP_API_URL")\n'))                                # 8
    assert graph.settings is not None
    values = {v.name: v for v in graph.settings.values}
    assert values["REST_FRAMEWORK"] == SettingValue(
        "REST_FRAMEWORK", Location("settings.py", 5), {"PAGE_SIZE": 20, "ORDERING_PARAM": "o"},
        opaque=True, expression="{**BASE, 'PAGE_SIZE': 5 * 4, 'X': env('X')}",
        entries={"PAGE_SIZE": 5, "X": 5})
    assert values["SITE"] == SettingValue("SITE", Location("settings.py", 6), "Shop!")
    assert values["DEBUG"] == SettingValue(
        "DEBUG", Location("settings.py", 7), False,
        expression="env.bool('DJANGO_DEBUG', default=False)", environment="DJANGO_DEBUG")
    assert values["API_URL"] == SettingValue(
        "API_URL", Location("settings.py", 8), opaque=True, expression="env('SHOP_API_URL')",
        environment="SHOP_API_URL")


def setting_values(inline_project, settings: str) -> dict[str, SettingValue]:
    """The settings facts of a project whose settings end with ``settings`` (from line 2)."""
    graph = inline_project({"shop/__init__.py": ""}, apps=["shop"], settings_extra=settings)
    assert graph.settings is not None
    return {v.name: v for v in graph.settings.values}


def test_a_scalar_computed_from_one_environment_variable_reads_it(inline_project) -> None:
    values = setting_values(inline_project, (
        "import os\n"                                                          # 2
        "def extract_bool(key, default):\n"                                    # 3
        "    return bool(int(os.getenv(key, default)))\n"                      # 4
        "DEBUG = bool(int(os.getenv('DEBUG', '0')))\n"                         # 5
        "OFFLINE = extract_bool('OFFLINE', False)\n"                           # 6
        "TTL = int(os.getenv('TTL', 600))\n"                                   # 7
        "BOTH = os.getenv('A', 'a') + os.getenv('B', 'b')\n"                   # 8
        "PORT = int(os.getenv('PORT', 'http'))\n"))                            # 9
    assert [values[name] for name in ("DEBUG", "OFFLINE", "TTL", "BOTH", "PORT")] == [
        SettingValue("DEBUG", Location("settings.py", 5), False,
                     expression="bool(int(os.getenv('DEBUG', '0')))", environment="DEBUG"),
        SettingValue("OFFLINE", Location("settings.py", 6), False,
                     expression="extract_bool('OFFLINE', False)", environment="OFFLINE"),
        SettingValue("TTL", Location("settings.py", 7), 600,
                     expression="int(os.getenv('TTL', 600))", environment="TTL"),
        SettingValue("BOTH", Location("settings.py", 8), "ab"),  # two variables: no one read
        SettingValue("PORT", Location("settings.py", 9), opaque=True,
                     expression="int(os.getenv('PORT', 'http'))")]


def test_a_secret_keeps_its_variable_only_when_its_default_is_empty(inline_project) -> None:
    values = setting_values(inline_project, (
        "import os\n"                                                          # 2
        "CAPTCHA_SECRET = os.getenv('CAPTCHA_SECRET', '')\n"                   # 3
        "API_TOKEN = os.getenv('API_TOKEN', 'dev-token')\n"))                  # 4
    assert [values["CAPTCHA_SECRET"], values["API_TOKEN"]] == [
        SettingValue("CAPTCHA_SECRET", Location("settings.py", 3), "",
                     expression="os.getenv('CAPTCHA_SECRET', '')", environment="CAPTCHA_SECRET"),
        SettingValue("API_TOKEN", Location("settings.py", 4), opaque=True)]


def test_a_structure_parsed_from_one_environment_variable_reads_it(inline_project) -> None:
    values = setting_values(inline_project, (
        "import ast, os\n"                                                            # 2
        "P = ast.literal_eval(os.getenv('P') if os.getenv('P') else '{\"a\": [1]}')\n"  # 3
        "HOSTS = os.getenv('HOSTS', 'a,b').split(',')\n"))                            # 4
    assert [values["P"], values["HOSTS"]] == [
        SettingValue("P", Location("settings.py", 3), {"a": [1]}, environment="P",
                     expression="ast.literal_eval(os.getenv('P') if os.getenv('P') else "
                                "'{\"a\": [1]}')"),
        SettingValue("HOSTS", Location("settings.py", 4), ["a", "b"], environment="HOSTS",
                     expression="os.getenv('HOSTS', 'a,b').split(',')")]
