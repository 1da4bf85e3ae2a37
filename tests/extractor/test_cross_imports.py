"""Names the moved code imports from apps that stay, as real projects lay them out."""

from __future__ import annotations

import os
import subprocess
import sys
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


KERNEL_OF_LEDGER = """
import sys
from pathlib import Path
from analyzer.pipeline import build_graph
from extractor.plan import build_plan
root = Path(sys.argv[1])
record = build_plan(build_graph(root, use_cache=False), root, ["ledger"]).record
print(sorted(f.source for f in record.files if f.kind == "kernel"))
print(sorted((d.target, d.handling.value) for d in record.dependencies if "crm" in d.target))
"""


def test_modules_importing_each_other_get_one_verdict_whatever_the_order(tmp_path: Path):
    # taiga: two extractions of wiki copied different kernels. crm.b imports crm.a, which
    # imports the models, so neither can be copied; asked first, crm.a once let crm.b count as
    # kernel (crm.a's own verdict still pending) whenever the set of its imports gave crm.b
    # before crm.models.
    root = analysed_copy("models_package", tmp_path / "monolith", {
        "crm/a.py": ("", "from crm import b\nfrom crm.models import Customer\n\n\n"
                         "def first():\n    return Customer.objects.first()\n"),
        "crm/b.py": ("", "from crm import a\n\n\ndef helper():\n    return a.first()\n"),
        "ledger/views.py": ("from crm.models import Customer\n",
                            "from crm.a import first\nfrom crm.b import helper\n"
                            "from crm.models import Customer\n\nHELPERS = [first, helper]\n")})
    runs = {subprocess.run([sys.executable, "-c", KERNEL_OF_LEDGER, str(root)], check=True,
                           capture_output=True, text=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout
            for seed in ("0", "1", "2", "3", "4", "5")}
    assert runs == {"[]\n[('crm.a.first', 'remote-function'), ('crm.b.helper', "
                    "'remote-function'), ('crm.models.Customer', 'remote-model'), "
                    "('ledger.Entry.customer -> crm.Customer', 'id-column')]\n"}
