"""Names the moved code imports from apps that stay, as real projects lay them out."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.pipeline import build_graph
from decompose.errors import CannotExtract
from decompose.model import CrossDependency, Handling, Location
from extractor.plan import build_plan
from tests.extractor.projects import analysed_copy


def refusal(root: Path) -> str:
    """The one line extracting ``ledger`` from the project at ``root`` is refused with."""
    with pytest.raises(CannotExtract) as refused:
        build_plan(build_graph(root, use_cache=False), root, ["ledger"])
    return str(refused.value)


def test_a_model_re_exported_by_its_package_init_is_a_remote_model(tmp_path: Path):
    # crm/models/__init__.py: "from .customer import Customer" (pretalx lays out every app so).
    root = analysed_copy("models_package", tmp_path / "monolith")
    plan = build_plan(build_graph(root, use_cache=False), root, ["ledger"])
    assert CrossDependency(Location("ledger/views.py", 3), "crm.models.Customer",
                           Handling.REMOTE_MODEL, "crm.Customer") in plan.record.dependencies
    assert [(m.module, [(n.name, n.target) for n in m.names])
            for m in plan.record.mirrors] == [  # the package and the module the key points into
        ("crm.models", [("Customer", "crm.Customer")]),
        ("crm.models.customer", [("Customer", "crm.Customer")])]


def test_a_name_the_service_can_neither_copy_nor_ask_for_is_refused_before_writing(
        tmp_path: Path):
    # pretalx's common imports SubmissionStates, a plain class of submission.models.
    root = analysed_copy("models_package", tmp_path / "monolith", {
        "crm/models/customer.py": ("class Customer(", 'class Tiers:\n    GOLD = "gold"\n\n\n'
                                                      "class Customer("),
        "crm/models/__init__.py": ("import Customer", "import Customer, Tiers"),
        "ledger/views.py": ("import Customer", "import Customer, Tiers")})
    assert refusal(root) == (
        "ledger/views.py:3: crm.models.Tiers: a class that is neither a model nor an exception, "
        "defined beside the model crm.Customer, so the service cannot import it; move it to a "
        "module of crm without models (the service copies those) or extract crm too")


def test_a_submodule_imported_from_its_package_and_used_as_a_value_is_refused(
        tmp_path: Path):
    # taiga's webhooks: "from taiga.projects.history import services" (attributes read on it
    # are mirrored, see test_staying_names.py); passed around whole, no list is complete.
    root = analysed_copy("models_package", tmp_path / "monolith", {
        "ledger/views.py": ("from crm.models import Customer\n",
                            "from crm import services\nfrom crm.models import Customer\n\n"
                            "HELPERS = [services]\n")})
    (root / "crm" / "services.py").write_text(
        "from crm.models import Customer\n\n\ndef count():\n    return Customer.objects.count()\n")
    assert refusal(root) == (
        "ledger/views.py:3: crm.services: a module of an app that stays, imported whole and used "
        "as a value, not only through its attributes (import its functions by name instead), so "
        "the service cannot import it; move it to a module of crm without models (the service "
        "copies those) or extract crm too")
