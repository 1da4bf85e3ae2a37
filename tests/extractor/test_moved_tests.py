"""What the moved apps need goes with the service (tests/fixtures/tuple_shop): project modules
outside apps (a package __init__ that wires Celery as a stub), and their own tests, run there
when they need nothing that stays in the monolith, else copied and listed with what they need."""

from __future__ import annotations

from pathlib import Path

from decompose.model import GRAPH_SCHEMA_VERSION, FileCopy, Level, ProjectGraph
from decompose.serialize import read_json
from extractor.plan import build_plan
from tests.extractor.projects import analysed_copy


def plan_for(tmp_path: Path, app: str, edits: dict[str, tuple[str, str]] | None = None):
    shop = analysed_copy("tuple_shop", tmp_path / "shop", edits)
    graph = read_json(shop / "decompose-report" / "graph.json", ProjectGraph,
                      schema_version=GRAPH_SCHEMA_VERSION)
    return build_plan(graph, shop, [app])


def test_a_test_needing_what_stays_is_copied_and_listed_with_the_reason(tmp_path: Path):
    plan = plan_for(tmp_path, "notes")
    assert FileCopy("notes/tests.py", "notes/tests.py", "test") in plan.record.files
    assert [(str(r.location), r.level, r.message) for r in plan.record.rewrites
            if r.codemod == "tests"] == [(
                "notes/tests.py:1", Level.WARNING,
                "copied, not run by the service's suite: imports billing.models (the "
                "monolith's, not the service's); uses fixtures of the monolith's conftest: "
                "invoice_factory; rewrite it against the service before adding it to "
                "testpaths")]
    assert plan.spec.test_paths == ()


def test_a_self_contained_test_runs_in_the_service(tmp_path: Path):
    plan = plan_for(tmp_path, "billing")
    assert plan.spec.test_paths == ("billing/tests/test_invoices.py",)
    assert not [r for r in plan.record.rewrites if r.codemod == "tests"]


def test_project_modules_come_along_and_a_celery_wiring_init_is_a_stub(tmp_path: Path):
    plan = plan_for(tmp_path, "billing")
    copies = {f.source: f.kind for f in plan.record.files if f.source.startswith("kernel/")}
    assert copies == {"kernel/__init__.py": "stub", "kernel/money.py": "kernel"}
    assert [(str(r.location), r.message) for r in plan.record.rewrites if r.codemod == "plan"
            and r.location.path == "kernel/__init__.py"] == [(
                "kernel/__init__.py:1", "imports the monolith's Celery app for its side "
                "effect: written as a stub, the service runs no worker")]


def test_a_test_importing_a_project_module_the_service_does_not_copy_is_listed(
        tmp_path: Path):
    # kiwi's kiwi_auth tests import tcms.tests (its factories), outside any app: not copied.
    plan = plan_for(tmp_path, "billing", {
        "testing/__init__.py": ("", "class LoggedInTestCase:\n    pass\n"),
        "billing/tests/test_invoices.py": ("import pytest\n", "import pytest\n\n"
                                           "from kernel.money import cents  # noqa: F401\n"),
        "billing/tests/test_pages.py": ("", "from testing import LoggedInTestCase\n\n\n"
                                            "class TestPages(LoggedInTestCase):\n    pass\n")})
    assert plan.spec.test_paths == ("billing/tests/test_invoices.py",)  # kernel/ is copied
    assert [(str(r.location), r.message) for r in plan.record.rewrites
            if r.codemod == "tests"] == [(
                "billing/tests/test_pages.py:1", "copied, not run by the service's suite: "
                "imports testing (the monolith's, not the service's); rewrite it against the "
                "service before adding it to testpaths")]


def test_a_test_whose_conftest_needs_a_library_the_service_lacks_is_listed(tmp_path: Path):
    """tandoor's cookbook/tests/conftest.py imports pytest-factoryboy, its factories
    factory-boy: pytest loads the conftest before any test below it, and the service's
    environment has neither (here libcst and networkx: decompose's, not the service's)."""
    plan = plan_for(tmp_path, "billing", {
        "billing/tests/conftest.py": ("", "import libcst  # noqa: F401\nimport pytest  # noqa: "
                                      "F401\nfrom rest_framework import status  # noqa: F401\n"
                                      "\nfrom billing.tests.factories import make  # noqa: "
                                      "F401\n"),
        "billing/tests/factories.py": ("", "import networkx\n\n\ndef make():\n"
                                       "    return networkx.Graph()\n")})
    assert plan.spec.test_paths == ()
    assert [(str(r.location), r.message) for r in plan.record.rewrites
            if r.codemod == "tests" and r.location.path.endswith("test_invoices.py")] == [(
                "billing/tests/test_invoices.py:1", "copied, not run by the service's suite: "
                "imports libcst, networkx, which the service does not install (add them to its "
                "test dependencies); rewrite it against the service before adding it to "
                "testpaths")]
