"""A many-to-many from a moved model to a model that stays (tests/fixtures/m2m_shop): the
pairs' table stays where it is, as a through model of the service whose key to the monolith's
model is an id column of that key's type; the field becomes a RemoteManyToMany, serializers
list the ids, lookups go through the pairs, and the service's suite runs the moved app's own
tests on PostgreSQL, adding and removing pairs for real."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from decompose.cli import main
from tests.extractor.projects import analysed_copy
from tests.support.postgres import temporary_postgres
from tests.support.processes import clean_env


@pytest.fixture(scope="module")
def service(tmp_path_factory) -> Path:
    shop = analysed_copy("m2m_shop", tmp_path_factory.mktemp("m2m") / "shop")
    main(["extract", "bugs", "--project", str(shop)])
    return shop.parent / "services" / "bugs"


def test_each_many_to_many_keeps_its_table_as_pairs_with_the_targets_key_type(service: Path):
    models = (service / "bugs" / "models.py").read_text()
    assert models.startswith(
        "from django.db import models\n"
        "from decompose_remote.many import RemoteManyToMany\n\n\n"
        "class Bug(models.Model):\n"
        "    summary = models.CharField(max_length=200)\n"
        '    executions = RemoteManyToMany("tracker.Execution", "bugs.Bug_executions", "bug", '
        '"execution_id")\n'
        '    labels = RemoteManyToMany("labels.Label", "bugs.Bug_labels", "bug", "label_id", '
        'blank=True)\n'
        '    watchers = RemoteManyToMany("auth.User", "bugs.Bug_watchers", "bug", "user_id")\n')
    assert ("class Bug_executions(models.Model):\n"
            "    bug = models.ForeignKey(\n"
            '        "Bug", on_delete=models.CASCADE, related_name="+",\n'
            '        related_query_name="executions_pairs",\n'
            "    )\n"
            '    execution_id = models.BigIntegerField(db_column="execution_id", db_index=True)\n'
            "\n"
            "    class Meta:\n"
            '        db_table = "bugs_bug_executions"\n'
            "        managed = False\n"
            '        unique_together = [("bug", "execution_id")]\n') in models
    # labels.Label's key is CharField(max_length=40, primary_key=True); auth.User's an AutoField
    assert ('    label_id = models.CharField(db_column="label_id", max_length=40, '
            "db_index=True)\n") in models
    assert '    user_id = models.IntegerField(db_column="user_id", db_index=True)\n' in models


def test_serializers_list_the_ids_and_lookups_go_through_the_pairs(service: Path):
    serializers = (service / "bugs" / "serializers.py").read_text()
    assert ("class BugSerializer(IdColumnModelSerializer):\n"
            "    executions = IdColumnPrimaryKeyField(many=True, "
            "queryset=Execution.objects.all())\n"
            "    labels = IdColumnPrimaryKeyField(many=True, queryset=Label.objects.all())\n"
            ) in serializers
    views = (service / "bugs" / "views.py").read_text()
    assert ("return Bug.objects.filter(executions_pairs__execution_id__in=pks_where("
            '"tracker.Execution", run=run))\n') in views


def test_the_dependencies_say_where_the_pairs_are(service: Path):
    report = (service / "EXTRACTION.md").read_text()
    assert ("- `bugs/models.py:9` `bugs.Bug.executions -> tracker.Execution`: **id-column** "
            "(pairs kept in bugs_bug_executions (Bug_executions: bug_id, execution_id "
            "BigIntegerField) + RemoteManyToMany)\n") in report


def test_the_service_passes_ruff_with_its_own_config(service: Path):
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."],
                          cwd=service, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.postgres
def test_the_moved_tests_add_set_remove_and_clear_pairs_in_the_service(service: Path):
    with temporary_postgres("bugs") as url:
        done = subprocess.run([sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider"],
                              cwd=service, capture_output=True, text=True, timeout=600,
                              env=clean_env(DATABASE_URL=url, PYTHONPATH=str(service)))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert ("bugs/tests/test_bugs.py::test_pairs_are_added_set_removed_and_cleared_by_id PASSED"
            in done.stdout)


def test_a_many_to_many_with_a_computed_table_name_is_refused(tmp_path: Path, capsys):
    shop = analysed_copy("m2m_shop", tmp_path / "shop", {"bugs/models.py": (
        'related_name="bugs")', 'related_name="bugs", db_table=TABLE)')})
    with pytest.raises(SystemExit):
        main(["extract", "bugs", "--project", str(shop)])
    assert capsys.readouterr().err == (
        "error: bugs/models.py:9: bugs.Bug.executions -> tracker.Execution: the many-to-many's "
        "db_table is not a literal; write the table's name\n")
    assert not (tmp_path / "services").exists()


def test_a_target_of_the_same_name_gets_djangos_from_and_to_columns(tmp_path: Path, capsys):
    shop = analysed_copy("m2m_shop", tmp_path / "shop", {
        "tracker/models.py": ("class Execution", "class Bug(models.Model):\n    pass\n\n\n"
                              "class Execution"),
        "bugs/models.py": ("    watchers =", '    twins = models.ManyToManyField("tracker.Bug")\n'
                                             "    watchers =")})
    main(["extract", "bugs", "--project", str(shop), "--dry-run"])
    assert ("  bugs/models.py:11: bugs.Bug.twins -> tracker.Bug -> id-column (pairs kept in "
            "bugs_bug_twins (Bug_twins: from_bug_id, to_bug_id BigIntegerField) + "
            "RemoteManyToMany)\n") in capsys.readouterr().out


def test_a_table_name_databases_would_shorten_is_refused(tmp_path: Path, capsys):
    long = "executions_of_every_run_this_bug_was_ever_seen_failing_in"
    shop = analysed_copy("m2m_shop", tmp_path / "shop", {"bugs/models.py": (
        "    executions =", f"    {long} =")})
    with pytest.raises(SystemExit):
        main(["extract", "bugs", "--project", str(shop)])
    assert capsys.readouterr().err == (
        f"error: bugs/models.py:9: bugs.Bug.{long} -> tracker.Execution: the pairs' table name "
        f"'bugs_bug_{long}' is longer than 63 characters, which databases shorten each their "
        "own way; set db_table on the field to the table's real name\n")
