"""The monolith patch on shapes real projects have: a tuple or a computed INSTALLED_APPS,
settings in a class, and the bridge's dependencies in whichever files the monolith declares
them."""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

from click.testing import CliRunner

from decompose.model import (
    GRAPH_SCHEMA_VERSION,
    Location,
    ProjectGraph,
    SettingDefinition,
    SettingForm,
)
from decompose.serialize import read_json
from extractor.command import extract
from extractor.lock import uv
from extractor.monolith_patch import apply_changes, render_patch
from extractor.plan import build_plan
from extractor.requirements_files import edited_files, stale_locks
from extractor.runtime import runtime_requirement
from extractor.writer import run_codemods
from tests.extractor.projects import FIXTURES, analysed_copy
from tests.support.processes import completed

RUNTIME = runtime_requirement()
WANTED = (RUNTIME, "djangorestframework>=3.15,<4", "PyJWT[crypto]>=2.9,<3")


def changes_for(shop: Path, app: str = "billing") -> dict[str, str]:
    graph = read_json(shop / "decompose-report" / "graph.json", ProjectGraph,
                      schema_version=GRAPH_SCHEMA_VERSION)
    extraction = run_codemods(build_plan(graph, shop, [app]), shop)
    return {c.path: render_patch((c,)) for c in extraction.changes}


def test_a_tuple_installed_apps_gets_the_bridge_and_requirements_its_dependencies(
        tmp_path: Path):
    changes = changes_for(analysed_copy("tuple_shop", tmp_path / "shop"))
    assert '     "audit",\n+    "decompose_bridge",\n )\n' in changes["config/settings.py"]
    assert changes["requirements.txt"] == (
        "--- a/requirements.txt\n+++ b/requirements.txt\n@@ -1,2 +1,4 @@\n"
        " Django>=5.2,<5.3\n djangorestframework>=3.15\n"
        f"+{RUNTIME}\n+PyJWT[crypto]>=2.9,<3\n")


def test_the_bridge_requires_the_drf_that_serves_the_monolith_django(tmp_path: Path):
    """taiga pins Django 3.2 and no DRF: DRF 3.16 would upgrade its Django to 5.x and break
    its suite, so the patch asks for the last DRF releases serving 3.2."""
    shop = analysed_copy("tuple_shop", tmp_path / "shop", {"requirements.txt": (
        "Django>=5.2,<5.3\ndjangorestframework>=3.15\n", "Django==3.2.25\n")})
    assert changes_for(shop)["requirements.txt"] == (
        "--- a/requirements.txt\n+++ b/requirements.txt\n@@ -1 +1,4 @@\n Django==3.2.25\n"
        f"+{RUNTIME}\n+djangorestframework>=3.15,<3.15.2\n+PyJWT[crypto]>=2.9,<3\n")


def installed_apps_after_apply(shop: Path, app: str) -> list[str]:
    """The patch applied, the apps Django itself loads from the monolith's settings."""
    graph = read_json(shop / "decompose-report" / "graph.json", ProjectGraph,
                      schema_version=GRAPH_SCHEMA_VERSION)
    apply_changes(shop, run_codemods(build_plan(graph, shop, [app]), shop).changes)
    script = ("import django; from django.apps import apps; django.setup(); "
              "print(' '.join(a.name for a in apps.get_app_configs()))")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONPATH": str(shop)}
    return completed([sys.executable, "-c", script], shop, env).stdout.split()


def test_a_computed_installed_apps_gets_the_bridge_after_its_last_change(tmp_path: Path):
    shop = analysed_copy("computed_apps", tmp_path / "shop")
    assert changes_for(shop, "notes")["config/settings.py"].splitlines() == [
        "--- a/config/settings.py",
        "+++ b/config/settings.py",
        "@@ -15,7 +15,12 @@",
        ' DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"',
        " if DEBUG:",
        '     INSTALLED_APPS += ("debug_toolbar",)',
        "+# decompose: INSTALLED_APPS is computed above; the bridge joins it",
        '+INSTALLED_APPS += ["decompose_bridge"]',
        " ",
        ' ROOT_URLCONF = "config.urls"',
        ' DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}',
        " USE_TZ = True",
        "+",
        "+# decompose: services call the bridge in-cluster over plain HTTP",
        '+SECURE_REDIRECT_EXEMPT = [r"^_decompose/"]']
    assert installed_apps_after_apply(shop, "notes") == [
        "django.contrib.auth", "django.contrib.contenttypes", "rest_framework", "notes",
        "decompose_bridge"]


def test_a_tuple_built_by_concatenation_gets_a_tuple_added(tmp_path: Path):
    shop = analysed_copy("tuple_shop", tmp_path / "shop", {"config/settings.py": (
        'INSTALLED_APPS = (\n    "django.contrib.auth",\n',
        'INSTALLED_APPS = ("django.contrib.auth",) + (\n')})
    assert ('     "audit",\n )\n+# decompose: INSTALLED_APPS is computed above; the bridge '
            'joins it\n+INSTALLED_APPS += ("decompose_bridge",)\n DEFAULT_AUTO_FIELD'
            ) in changes_for(shop)["config/settings.py"]
    assert installed_apps_after_apply(shop, "billing")[-2:] == ["audit", "decompose_bridge"]


def test_class_based_settings_are_patched_in_their_class(tmp_path: Path):
    text = (FIXTURES / "tuple_shop" / "config" / "settings.py").read_text()
    shop = analysed_copy("tuple_shop", tmp_path / "shop", {"config/settings.py": (
        text, "from configurations import Configuration\n\n\nclass Base(Configuration):\n"
        + textwrap.indent(text, "    "))})  # as django-configurations writes them
    graph = read_json(shop / "decompose-report" / "graph.json", ProjectGraph,
                      schema_version=GRAPH_SCHEMA_VERSION)
    assert graph.settings.app_list == SettingDefinition(
        "INSTALLED_APPS", Location("config/settings.py", 7), SettingForm.TUPLE, owner="Base")
    patch = changes_for(shop)["config/settings.py"]
    assert '         "audit",\n+        "decompose_bridge",\n     )\n' in patch


def test_split_settings_are_patched_in_the_component_that_lists_the_apps(tmp_path: Path):
    text = (FIXTURES / "tuple_shop" / "config" / "settings.py").read_text()
    shop = analysed_copy("tuple_shop", tmp_path / "shop", {
        "config/settings.py": (text, 'from split_settings.tools import include\n\n'
                                     'include("components/*.py")\n'),
        "config/components/apps.py": ("", text)})  # as django-split-settings writes them
    changes = changes_for(shop)
    assert '     "audit",\n+    "decompose_bridge",\n )\n' in changes["config/components/apps.py"]
    assert "config/settings.py" not in changes


def test_pyproject_and_pipfile_get_what_they_lack(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent("""\
        [project]
        name = "shop"
        dependencies = [
            "django>=5.2",  # the LTS
            "decompose-runtime>=0.0.1,<0.1",
            "djangorestframework>=3.16",
        ]

        [tool.ruff]
        line-length = 100
        """))
    (tmp_path / "Pipfile").write_text(textwrap.dedent("""\
        [packages]
        django = ">=5.2"

        [dev-packages]
        pytest = "*"
        """))
    edited = {path: after for path, _, after in edited_files(
        tmp_path, WANTED, replaced="decompose-runtime")}
    assert edited == {
        "pyproject.toml": textwrap.dedent(f"""\
            [project]
            name = "shop"
            dependencies = [
                "django>=5.2",  # the LTS
                "djangorestframework>=3.16",
                "{RUNTIME}",
                "PyJWT[crypto]>=2.9,<3",
            ]

            [tool.ruff]
            line-length = 100
            """),
        "Pipfile": textwrap.dedent(f"""\
            [packages]
            django = ">=5.2"
            decompose-runtime = "{RUNTIME.removeprefix('decompose-runtime')}"
            djangorestframework = ">=3.15,<4"
            pyjwt = {{version = ">=2.9,<3", extras = ["crypto"]}}

            [dev-packages]
            pytest = "*"
            """)}


def test_files_the_monolith_does_not_have_are_not_created(tmp_path: Path):
    assert edited_files(tmp_path, WANTED) == []


def test_a_project_in_a_src_folder_gets_its_repositorys_declarations_edited(tmp_path: Path):
    """pretalx keeps manage.py in src/ and declares its dependencies (and Django's pin, 3.2
    here) in the repository's pyproject.toml, one folder up, entries with extras among them."""
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "shop"\ndependencies = [\n    "bs4[lxml]",\n    "Django==3.2.25",\n]\n')
    shop = analysed_copy("tuple_shop", tmp_path / "src")
    (shop / "requirements.txt").unlink()
    assert changes_for(shop)["../pyproject.toml"] == (
        "--- a/../pyproject.toml\n+++ b/../pyproject.toml\n@@ -3,4 +3,7 @@\n"
        ' dependencies = [\n     "bs4[lxml]",\n     "Django==3.2.25",\n'
        f'+    "{RUNTIME}",\n+    "djangorestframework>=3.15,<3.15.2",\n'
        '+    "PyJWT[crypto]>=2.9,<3",\n ]\n')


def test_a_lock_the_patch_leaves_stale_is_named_with_the_command_renewing_it(tmp_path: Path):
    """pretalx declares its dependencies in the repository's pyproject.toml (two-space
    indented) and locks them in uv.lock: the patch keeps the file's indentation and says the
    lock is stale, which `uv lock --check` confirms."""
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "shop"\nversion = "1"\nrequires-python = ">=3.11"\n'
        'dependencies = [\n  "Django>=5.2,<5.3",\n  "djangorestframework>=3.15",\n]\n')
    assert uv("lock", "--quiet", cwd=tmp_path).returncode == 0
    shop = analysed_copy("tuple_shop", tmp_path / "src")
    (shop / "requirements.txt").unlink()
    result = CliRunner().invoke(extract, ["billing", "--project", str(shop), "--out",
                                          str(tmp_path / "billing"), "--apply"])
    assert result.exit_code == 0, result.output
    assert ("warning: ../uv.lock: stale after the patch, run `uv lock` (see EXTRACTION.md)"
            in result.stderr)
    assert (tmp_path / "pyproject.toml").read_text().endswith(
        f'  "djangorestframework>=3.15",\n  "{RUNTIME}",\n  "PyJWT[crypto]>=2.9,<3",\n]\n')
    assert ("**`../uv.lock` is stale after the patch**" in
            (tmp_path / "billing" / "EXTRACTION.md").read_text())
    check = uv("lock", "--check", cwd=tmp_path)  # resolving needs the runtime on an index
    assert check.returncode != 0 and "depends on decompose-runtime" in check.stderr
    assert stale_locks(shop, ["../Pipfile"]) == []  # a lock of another declaration stays


def test_each_lock_is_stale_only_with_the_declaration_it_locks(tmp_path: Path):
    for lock in ("uv.lock", "poetry.lock", "Pipfile.lock"):
        (tmp_path / lock).write_text("")
    assert stale_locks(tmp_path, ["pyproject.toml"]) == [("uv.lock", "uv lock"),
                                                         ("poetry.lock", "poetry lock")]
    assert stale_locks(tmp_path, ["Pipfile", "requirements.txt"]) == [
        ("Pipfile.lock", "pipenv lock")]
