"""Settings module, INSTALLED_APPS and AppConfig resolution, read statically."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.discovery import discover
from analyzer.pipeline import build_graph
from decompose.errors import ProjectNotFound, SettingsNotFound

from .conftest import write_tree


def apps_of(root: Path, settings: str | None = None) -> dict[str, tuple[str, bool]]:
    project = discover(root, settings)
    return {a.label: (a.name, a.external) for a in project.apps}


def test_no_such_path_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(ProjectNotFound, match="no such path"):
        discover(tmp_path / "missing")


def test_a_folder_without_django_is_not_a_project(tmp_path: Path) -> None:
    write_tree(tmp_path, {"lib/thing.py": "x = 1\n"})
    with pytest.raises(ProjectNotFound, match="no Django project"):
        discover(tmp_path)


def test_settings_without_installed_apps_is_an_error(tmp_path: Path) -> None:
    write_tree(tmp_path, {"manage.py": 'import os\nos.environ.setdefault('
                                       '"DJANGO_SETTINGS_MODULE", "conf")\n',
                          "conf.py": "DEBUG = True\n"})
    with pytest.raises(SettingsNotFound, match="no INSTALLED_APPS"):
        discover(tmp_path)


def test_settings_named_by_wsgi_when_there_is_no_manage_py(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "site/conf/__init__.py": "",
        "site/conf/wsgi.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", '
                             '"conf.settings")\n',
        "site/conf/settings.py": 'INSTALLED_APPS = ["blog"]\n',
        "site/blog/__init__.py": "",
    })
    project = discover(tmp_path)
    assert project.settings.module == "conf.settings"
    assert project.source_root == (tmp_path / "site").resolve()
    assert [(a.label, a.external) for a in project.apps] == [("blog", False)]


def test_explicit_settings_option_wins(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "a")\n',
        "a.py": 'INSTALLED_APPS = ["one"]\n', "b.py": 'INSTALLED_APPS = ["two"]\n',
        "one/__init__.py": "", "two/__init__.py": ""})
    assert set(apps_of(tmp_path)) == {"one"}
    assert set(apps_of(tmp_path, "b")) == {"two"}


def test_split_settings_lists_and_star_imports(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", '
                     '"conf.settings.prod")\n',
        "conf/__init__.py": "", "conf/settings/__init__.py": "",
        "conf/settings/base.py": """
            DJANGO_APPS = ["django.contrib.contenttypes"]
            LOCAL_APPS = ("blog", "shop.orders")
            INSTALLED_APPS = DJANGO_APPS + list(LOCAL_APPS)
        """,
        "conf/settings/prod.py": """
            from .base import *
            INSTALLED_APPS += ["extra"]
            INSTALLED_APPS.append("more")
            INSTALLED_APPS.remove("more")
        """,
        "blog/__init__.py": "", "shop/__init__.py": "", "shop/orders/__init__.py": "",
        "extra/__init__.py": "",
    })
    assert apps_of(tmp_path) == {"contenttypes": ("django.contrib.contenttypes", True),
                                 "blog": ("blog", False), "orders": ("shop.orders", False),
                                 "extra": ("extra", False)}


def test_app_config_label_and_name_and_default_config(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "s")\n',
        "s.py": 'INSTALLED_APPS = ["shop.orders.apps.OrdersConfig", "billing"]\n',
        "shop/__init__.py": "", "shop/orders/__init__.py": "",
        "shop/orders/apps.py": """
            from django.apps import AppConfig
            class OrdersConfig(AppConfig):
                name = "shop.orders"
                label = "sales"
        """,
        "billing/__init__.py": "",
        "billing/apps.py": """
            from django.apps import AppConfig
            class BillingConfig(AppConfig):
                name = "billing"
                label = "money"
                default_auto_field = "django.db.models.AutoField"
        """,
    })
    project = discover(tmp_path)
    by_label = {a.label: a for a in project.apps}
    assert by_label["sales"].name == "shop.orders"
    assert by_label["money"].default_auto_field == "django.db.models.AutoField"
    assert by_label["sales"].directory == (tmp_path / "shop" / "orders").resolve()


def test_conditional_and_dynamic_installed_apps_warn_with_location(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "s")\n',
        "s.py": """
            import os
            import sys
            INSTALLED_APPS = ["blog"]
            if sys.platform == "win32":
                INSTALLED_APPS += ["shop"]
            INSTALLED_APPS += [name for name in os.listdir(".")]
            if os.environ.get("WITH_DEBUG_TOOLBAR"):
                INSTALLED_APPS += ["debug_toolbar"]
        """,
        "blog/__init__.py": "", "shop/__init__.py": "",
    })
    graph = build_graph(tmp_path, cache_dir=tmp_path / ".cache")
    assert {a.label for a in graph.apps} == {"blog", "shop"}
    codes = {(w.code, str(w.location)) for w in graph.warnings}
    assert ("dynamic-installed-apps", "s.py:6") in codes
    assert ("environment-setting", "s.py:7") in codes  # read as unset: no debug_toolbar
    assert ("conditional-installed-apps", "s.py:4") in codes


def test_missing_app_is_a_warning_not_a_crash(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "s")\n',
        "s.py": 'INSTALLED_APPS = ["blog", "gone_away_app"]\n', "blog/__init__.py": ""})
    graph = build_graph(tmp_path, cache_dir=tmp_path / ".cache")
    assert [w.code for w in graph.warnings] == ["app-not-found"]
    assert graph.app("gone_away_app").path is None
