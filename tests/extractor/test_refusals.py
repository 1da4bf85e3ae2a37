"""Bad input to ``decompose extract`` is one line naming the file and line, never a traceback
and never a half-written or empty service (tests/fixtures/tuple_shop, copied and broken)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from decompose.cli import main
from tests.extractor.projects import FIXTURES, analysed_copy


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    return analysed_copy("tuple_shop", tmp_path / "shop")


def run(capsys, *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exited:
        main(["extract", *args])
    return int(str(exited.value.code)), capsys.readouterr().err


def test_a_syntax_error_in_a_moved_module_is_refused_with_file_and_line(shop: Path, capsys):
    with (shop / "billing" / "serializers.py").open("a") as module:
        module.write("\n\ndef broken(:\n")
    code, err = run(capsys, "billing", "--project", str(shop), "--dry-run")
    assert (code, err) == (2, "error: billing/serializers.py:12: syntax error: invalid syntax; "
                              "fix it before extracting\n")
    assert not (shop.parent / "services").exists()


# Valid from Python 3.12 on (PEP 701), a syntax error for decompose's own 3.11.
NEWER_SYNTAX = "\n\ndef lines(parts):\n    return f\"{'\\n'.join(parts)}\"\n"


def test_python_3_12_syntax_is_read_with_the_grammar_of_the_python_the_project_declares(
        shop: Path, capsys):
    with (shop / "billing" / "serializers.py").open("a") as module:
        module.write(NEWER_SYNTAX)
    code, err = run(capsys, "billing", "--project", str(shop), "--dry-run")
    assert (code, err) == (2, "error: billing/serializers.py:13: syntax error: f-string "
                              "expression part cannot include a backslash; fix it before "
                              "extracting\n")
    (shop / ".python-version").write_text("3.12\n")
    main(["extract", "billing", "--project", str(shop), "--dry-run"])  # no SystemExit: done
    assert "billing/serializers.py" in capsys.readouterr().out


def test_a_real_syntax_error_is_refused_under_the_newer_grammar_too(shop: Path, capsys):
    (shop / ".python-version").write_text("3.12\n")
    with (shop / "billing" / "serializers.py").open("a") as module:
        module.write(NEWER_SYNTAX + "\n\ndef broken(:\n    pass\n")
    code, err = run(capsys, "billing", "--project", str(shop), "--dry-run")
    assert (code, err) == (2, "error: billing/serializers.py:17: syntax error (read as Python "
                              "3.12): expected one of ), *, **, NAME; fix it before "
                              "extracting\n")


def test_a_module_that_is_not_utf8_is_refused_with_file_and_line(shop: Path, capsys):
    with (shop / "billing" / "views.py").open("ab") as module:
        module.write(b"\n# caf\xe9\n")
    code, err = run(capsys, "billing", "--project", str(shop), "--dry-run")
    assert (code, err) == (2, "error: billing/views.py:11: not UTF-8 text; fix its encoding "
                              "before extracting\n")


def test_dry_run_with_apply_is_refused_before_reading_anything(tmp_path: Path, capsys):
    code, err = run(capsys, "billing", "--project", str(tmp_path), "--dry-run", "--apply")
    assert (code, err) == (2, "error: --dry-run writes nothing and --apply changes the "
                              "monolith: pass one of them\n")


def test_an_app_whose_views_mount_nowhere_is_refused_not_an_empty_service(shop: Path, capsys):
    code, err = run(capsys, "audit", "--project", str(shop))
    assert (code, err) == (2, "error: config/settings.py: audit: no URL of the monolith routes "
                              "to these apps' views, so the service would serve nothing "
                              "(mount them in a URLconf first)\n")
    assert not (shop.parent / "services").exists()


def test_a_graph_of_schema_version_1_asks_for_a_new_analysis(shop: Path, capsys):
    graph = shop / "decompose-report" / "graph.json"
    data = json.loads(graph.read_text())
    del data["settings"]
    graph.write_text(json.dumps({**data, "schema_version": 1}))
    code, err = run(capsys, "billing", "--project", str(shop), "--dry-run")
    assert (code, err) == (2, "error: graph.json has no settings facts (written by an older "
                              "decompose): run `decompose analyze` again\n")


def test_installed_apps_set_inside_a_def_is_refused_with_its_line(tmp_path: Path, capsys):
    text = (FIXTURES / "tuple_shop" / "config" / "settings.py").read_text()
    prop = text.replace("INSTALLED_APPS = (\n",
                        "@property\ndef INSTALLED_APPS(self):\n    return (\n")
    shop = analysed_copy("tuple_shop", tmp_path / "shop", {"config/settings.py": (
        text, "from configurations import Configuration\n\n\nclass Base(Configuration):\n"
        + textwrap.indent(prop, "    "))})  # a django-configurations property
    code, err = run(capsys, "billing", "--project", str(shop), "--dry-run")
    assert (code, err) == (2, "error: config/settings.py:8: INSTALLED_APPS gets its value "
                              "inside `def INSTALLED_APPS`, where the monolith patch cannot "
                              "add \"decompose_bridge\" to it safely; assign it at module "
                              "level or in the settings class body instead and run `decompose "
                              "analyze` again\n")
