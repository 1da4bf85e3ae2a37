"""The monolith's data migrations that write rows of tables the service has are replayed on
the service's test database (kiwi's ``tcms/core/migrations/0001_squashed.py`` creates the
groups kiwi_auth's registration adds new users to: its moved test failed with
``Group.DoesNotExist``). tests/fixtures/tuple_shop, edited: the staying app ``audit`` creates a
group in a data migration, ``billing`` (moved) grants it a permission in one of its own that
depends on it; a data migration on a model that stays and one importing the project's code are
not replayed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from decompose.model import GRAPH_SCHEMA_VERSION, FileCopy, Level, ProjectGraph
from decompose.serialize import read_json
from extractor.plan import build_plan
from tests.extractor.projects import analysed_copy
from tests.extractor.test_extract_command import invoke
from tests.support.postgres import temporary_postgres
from tests.support.processes import clean_env

MIGRATION = '''from django.db import migrations


def {name}(apps, schema_editor):
{body}


class Migration(migrations.Migration):
    dependencies = {dependencies}
    operations = [migrations.RunPython({name}, migrations.RunPython.noop)]
'''
EDITS = {
    "audit/migrations/__init__.py": ("", "\n"),
    "audit/migrations/0001_initial.py": ("", MIGRATION.format(
        name="add_auditors", dependencies='[("auth", "0012_alter_user_first_name_max_length")]',
        body='    apps.get_model("auth", "Group").objects.create(name="Auditors")')),
    "audit/migrations/0002_first_entry.py": ("", MIGRATION.format(
        name="first_entry", dependencies='[("audit", "0001_initial")]',
        body='    apps.get_model("audit", "Entry").objects.create(action="installed")')),
    "audit/migrations/0003_project_code.py": ("", "from audit.models import Entry  # noqa\n"
                                              + MIGRATION.format(
        name="more_auditors", dependencies='[("audit", "0002_first_entry")]',
        body='    apps.get_model("auth.Group").objects.create(name="More")')),
    "billing/migrations/0001_initial.py": ("", MIGRATION.format(
        name="auditors_view_invoices", dependencies='[("audit", "0001_initial")]',
        body='    group = apps.get_model("auth", "Group").objects.get(name="Auditors")\n'
             '    group.permissions.add(apps.get_model("auth", "Permission").objects.get(\n'
             '        codename="view_invoice"))')),
    "billing/tests/test_groups.py": ("", "import pytest\n"
                                     "from django.contrib.auth.models import Group\n\n\n"
                                     "@pytest.mark.django_db\n"
                                     "def test_auditors_may_view_invoices():\n"
                                     '    group = Group.objects.get(name="Auditors")\n'
                                     "    assert [p.codename for p in group.permissions.all()]"
                                     ' == ["view_invoice"]\n'
                                     '    assert not Group.objects.filter(name="More")\n'),
}


def test_the_data_migrations_of_the_services_tables_are_copied_in_migration_order(
        tmp_path: Path):
    shop = analysed_copy("tuple_shop", tmp_path / "shop", EDITS)
    graph = read_json(shop / "decompose-report" / "graph.json", ProjectGraph,
                      schema_version=GRAPH_SCHEMA_VERSION)
    plan = build_plan(graph, shop, ["billing"])
    assert [f for f in plan.record.files if f.target.startswith("tests/monolith_data/")] == [
        FileCopy("", "tests/monolith_data/__init__.py", "data-package"),
        FileCopy("audit/migrations/0001_initial.py",
                 "tests/monolith_data/audit_0001_initial.py", "data-migration"),
        FileCopy("billing/migrations/0001_initial.py",
                 "tests/monolith_data/billing_0001_initial.py", "data-migration")]
    assert plan.spec.data_migrations == ("tests.monolith_data.audit_0001_initial",
                                         "tests.monolith_data.billing_0001_initial")
    assert [(str(r.location), r.level) for r in plan.record.rewrites
            if r.codemod == "tests"] == [("audit/migrations/0001_initial.py:1", Level.INFO),
                                         ("billing/migrations/0001_initial.py:1", Level.INFO)]


def test_a_service_without_moved_tests_replays_nothing(tmp_path: Path):
    edits = {path: edit for path, edit in EDITS.items() if "/tests/" not in path}
    shop = analysed_copy("tuple_shop", tmp_path / "shop", {
        **edits, "billing/tests/test_invoices.py": ("import pytest\n", "import audit.models\n")})
    graph = read_json(shop / "decompose-report" / "graph.json", ProjectGraph,
                      schema_version=GRAPH_SCHEMA_VERSION)
    plan = build_plan(graph, shop, ["billing"])
    assert plan.spec.data_migrations == ()


@pytest.mark.postgres
def test_the_moved_test_finds_the_rows_of_the_monoliths_data_migrations(tmp_path: Path):
    shop = analysed_copy("tuple_shop", tmp_path / "shop", EDITS)
    service = tmp_path / "service"
    result = invoke("billing", "--project", str(shop), "--out", str(service))
    assert result.exit_code == 0, result.output
    lint = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."],
                          cwd=service, capture_output=True, text=True, timeout=60)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    with temporary_postgres("billing") as url:
        done = subprocess.run([sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider"],
                              cwd=service, capture_output=True, text=True, timeout=600,
                              env=clean_env(DATABASE_URL=url, PYTHONPATH=str(service)))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert ("billing/tests/test_groups.py::test_auditors_may_view_invoices PASSED"
            in done.stdout)
