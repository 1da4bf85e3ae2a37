"""A team's own cut, from boundaries.json or a services table, scored like the proposal."""

import json

import pytest

from analyzer.boundaries import load_assignment, propose, rescore
from decompose.errors import ConstraintError, SchemaError
from decompose.serialize import dumps
from tests.analyzer.boundaries.tools import SETTINGS, shop


def test_round_trip_of_the_proposal(tmp_path):
    proposal = propose(shop(), SETTINGS)
    path = tmp_path / "boundaries.json"
    path.write_text(dumps(proposal))
    again = rescore(shop(), load_assignment(path), SETTINGS)
    assert again.metrics == proposal.metrics and again.baselines == proposal.baselines
    assert [(s.name, s.apps, s.kernel, s.tables) for s in again.services] == \
           [(s.name, s.apps, s.kernel, s.tables) for s in proposal.services]
    assert again.method == "rescored(boundaries.json)"


def test_hand_edited_json_with_only_names_and_apps(tmp_path):
    path = tmp_path / "mine.json"
    path.write_text(json.dumps({"schema_version": 1, "services": [
        {"name": "everything", "apps": ["catalog", "inventory", "legal", "orders", "payments",
                                        "reviews", "shipping"]},
        {"name": "base", "apps": ["accounts", "core"], "kernel": True}]}))
    result = rescore(shop(), load_assignment(path), SETTINGS)
    assert result.metrics.services == 2 and result.shared_kernel == ("accounts", "core")
    assert result.service("everything").metrics.models == 9


def test_services_table_from_pyproject(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text("""
[tool.decompose]
shared_kernel = ["accounts", "core"]
[tool.decompose.services]
base = ["accounts", "core"]
sales = ["orders", "payments", "shipping"]
catalogue = ["catalog", "inventory", "reviews", "legal"]
""")
    result = rescore(shop(), load_assignment(path), SETTINGS)
    assert [s.name for s in result.services] == ["base", "catalogue", "sales"]
    assert result.service("base").kernel


@pytest.mark.parametrize(("services", "error", "message"), [
    ([{"name": "x", "apps": ["orders"]}, {"name": "x", "apps": ["catalog"]}], SchemaError,
     "service 'x' is listed twice"),
    ([{"name": "x", "apps": ["orders"]}, {"name": "y", "apps": ["orders"]}], SchemaError,
     "app 'orders' is in both 'x' and 'y'"),
    ([{"name": "x", "apps": []}], SchemaError, "services[0].apps must be a non-empty list"),
    ([{"name": "x", "apps": ["orders", "nope"]}], ConstraintError,
     "'nope': not one of the project's own apps"),
    ([{"name": "x", "apps": ["orders"]}], ConstraintError, "every app needs a service"),
])
def test_bad_assignments_name_the_file(tmp_path, services, error, message):
    path = tmp_path / "b.json"
    path.write_text(json.dumps({"schema_version": 1, "services": services}))
    with pytest.raises(error) as caught:
        rescore(shop(), load_assignment(path), SETTINGS)
    assert message in str(caught.value) and str(path) in str(caught.value)


def test_unknown_schema_version(tmp_path):
    path = tmp_path / "b.json"
    path.write_text(json.dumps({"schema_version": 3, "services": []}))
    with pytest.raises(SchemaError, match="schema_version 3 is not supported"):
        load_assignment(path)
