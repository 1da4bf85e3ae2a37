"""Names the moved code takes from an app that stays which are neither models, functions nor
exceptions (tests/fixtures/staying_names, laid out like pretalx's and taiga's): an enum of a
model-free module, a literal constant, a module imported whole, a mixin querying a model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from analyzer.pipeline import build_graph
from decompose.errors import CannotExtract
from decompose.model import CopiedImport, CopiedStatement, CrossDependency, Handling, Location
from extractor.plan import build_plan
from tests.extractor.projects import analysed_copy
from tests.extractor.test_extract_command import django, invoke

MIXIN = "crm/mixins.py"


def crm_dependencies(root: Path) -> list[CrossDependency]:
    plan = build_plan(build_graph(root, use_cache=False), root, ["ledger"])
    return [d for d in plan.record.dependencies if d.target.startswith("crm")]


def test_each_name_is_copied_mirrored_or_carried(tmp_path: Path):
    root = analysed_copy("staying_names", tmp_path / "monolith")
    plan = build_plan(build_graph(root, use_cache=False), root, ["ledger"])
    assert [d for d in plan.record.dependencies if d.target.startswith("crm.")] == [
        # the carried mixin's own (relative) imports, planned like the moved code's
        CrossDependency(Location(MIXIN, 1), "crm.models.Customer", Handling.REMOTE_MODEL,
                        "crm.Customer"),
        CrossDependency(Location(MIXIN, 2), "crm.verification.KIND_VERIFY", Handling.CONSTANT,
                        "crm.verification.KIND_VERIFY"),
        CrossDependency(Location("ledger/views.py", 3), "crm.services.customer_count",
                        Handling.REMOTE_FUNCTION, "crm.services.customer_count"),
        CrossDependency(Location("ledger/views.py", 3), "crm.services.gold_ids",
                        Handling.REMOTE_FUNCTION, "crm.services.gold_ids"),
        CrossDependency(Location("ledger/views.py", 4), "crm.mixins.CustomerScopedMixin",
                        Handling.CARRIED, "crm.mixins.CustomerScopedMixin"),
        CrossDependency(Location("ledger/views.py", 5), "crm.models.Tier", Handling.KERNEL,
                        "crm.enums.Tier"),
        CrossDependency(Location("ledger/views.py", 6), "crm.verification.COOLDOWN",
                        Handling.CONSTANT, "crm.verification.COOLDOWN"),
        CrossDependency(Location("ledger/views.py", 6), "crm.verification.KIND_VERIFY",
                        Handling.CONSTANT, "crm.verification.KIND_VERIFY")]
    assert [(m.module, [(n.name, n.handling.value) for n in m.names])
            for m in plan.record.mirrors] == [
        ("crm.mixins", [("CustomerScopedMixin", "carried")]),
        ("crm.models", [("Customer", "remote-model"), ("Tier", "kernel")]),
        ("crm.models.customer", [("Customer", "remote-model")]),
        ("crm.services", [("customer_count", "remote-function"),
                          ("gold_ids", "remote-function")]),
        ("crm.verification", [("COOLDOWN", "constant"), ("KIND_VERIFY", "constant")])]
    cooldown = plan.record.mirrors[-1].names[0]
    assert (cooldown.statements, cooldown.imports) == (
        (CopiedStatement(8, "SEND_MINUTES = 5"),
         CopiedStatement(9, "COOLDOWN = timedelta(minutes=SEND_MINUTES)")),
        (CopiedImport("datetime", "timedelta"),))
    assert sorted((f.source, f.kind) for f in plan.record.files
                  if f.source.startswith("crm/")) == [
        ("crm/__init__.py", "kernel"), ("crm/enums.py", "kernel"), (MIXIN, "carried")]
    assert plan.record.allowed_functions == ("crm.services.customer_count",
                                             "crm.services.gold_ids")
    assert (MIXIN, "crm.mixins") in plan.modules  # its imports are rewritten like moved code


def refusal(root: Path) -> str:
    with pytest.raises(CannotExtract) as refused:
        build_plan(build_graph(root, use_cache=False), root, ["ledger"])
    return str(refused.value)


@pytest.mark.parametrize(("constant", "reason"), [
    ("SIGNALS", "a value computed at import from the signal customer_verified, which the "
                "service has only as a stand-in"),
    ("LIMIT", "a value computed at import (verified(1)) from verified, code of that module "
              "the service does not copy")])
def test_a_constant_the_service_cannot_copy_is_refused_naming_why(tmp_path: Path,
                                                                   constant: str, reason: str):
    root = analysed_copy("staying_names", tmp_path / "monolith", {
        "ledger/views.py": ("import COOLDOWN,", f"import {constant}, COOLDOWN,")})
    with (root / "crm" / "verification.py").open("a") as module:
        module.write("\n\nLIMIT = verified(1)\nSIGNALS = (customer_verified,)\n")
    assert refusal(root) == (
        f"ledger/views.py:6: crm.verification.{constant}: {reason}, so the service cannot "
        "import it; move it to a module of crm without models (the service copies those) or "
        "extract crm too")


def test_what_a_carried_mixin_cannot_reach_is_refused_at_its_line_naming_who_needs_it(
        tmp_path: Path):
    root = analysed_copy("staying_names", tmp_path / "monolith", {
        MIXIN: ("import KIND_VERIFY", "import KIND_VERIFY, LIMIT")})
    with (root / "crm" / "verification.py").open("a") as module:
        module.write("\n\nLIMIT = verified(1)\n")
    assert refusal(root) == (
        "crm/mixins.py:2: crm.verification.LIMIT: a value computed at import (verified(1)) "
        "from verified, code of that module the service does not copy, so the service cannot "
        "import it (the service copies crm/mixins.py for ledger/views.py:4); move it to a "
        "module of crm without models (the service copies those) or extract crm too")


def test_a_remote_function_called_while_a_copied_module_is_imported_is_refused_at_its_line(
        tmp_path: Path):
    # taiga's carried notifications serializers: Meta.model = get_user_model_safe()
    root = analysed_copy("staying_names", tmp_path / "monolith", {MIXIN: (
        "from .verification import KIND_VERIFY\n",
        "from .services import customer_count\nfrom .verification import KIND_VERIFY\n\n"
        "KNOWN = customer_count()\n")})
    assert refusal(root) == (
        "crm/mixins.py:5: crm.services.customer_count: a function of an app that stays, called "
        "while the module is imported: in the service it is a call to the monolith, made "
        "before the service can reach it; call it inside a function (run per request), or "
        "extract crm too")


def test_a_remote_function_called_while_the_moved_module_is_imported_is_refused_there(
        tmp_path: Path):
    # taiga's notifications serializers: class Meta: model = get_user_model_safe()
    root = analysed_copy("staying_names", tmp_path / "monolith", {
        "ledger/views.py": ("    serializer_class = EntrySerializer\n",
                            "    serializer_class = EntrySerializer\n"
                            "    customers = crm_services.customer_count()\n"
                            "    gold = gold_ids()\n"),
        "ledger/models.py": ("from django.db import models\n",
                             "from django.db import models\n\nfrom crm.services import "
                             "gold_ids\n\n\ndef golden():\n    return gold_ids()\n")})
    views = root / "ledger" / "views.py"
    views.write_text(views.read_text().replace(
        "from crm.verification", "from crm.services import gold_ids\nfrom crm.verification"))
    assert refusal(root) == (
        "ledger/views.py:20: crm.services.customer_count: a function of an app that stays, "
        "called while the module is imported: in the service it is a call to the monolith, "
        "made before the service can reach it; call it inside a function (run per request), "
        "or extract crm too")


def test_a_package_above_copied_modules_that_imports_more_is_written_empty(tmp_path: Path):
    # pretalx's person/interfaces/forms/__init__.py re-exports every form, ModelForms too.
    root = analysed_copy("staying_names", tmp_path / "monolith", {
        "crm/__init__.py": ("", "from crm.verification import verified  # noqa: F401\n")})
    plan = build_plan(build_graph(root, use_cache=False), root, ["ledger"])
    assert sorted((f.source, f.kind) for f in plan.record.files
                  if f.source.startswith("crm/")) == [
        ("crm/__init__.py", "package"), ("crm/enums.py", "kernel"), (MIXIN, "carried")]


def test_a_kernel_package_above_copied_modules_comes_with_what_it_imports(tmp_path: Path):
    # pretalx's common/forms/__init__.py imports its model-free forms.py, which nothing else
    # the service copies imports: the package was copied, its forms.py not, so it failed.
    root = analysed_copy("staying_names", tmp_path / "monolith", {
        "crm/forms/__init__.py": ("", "from .base import CustomerFormSet  # noqa: F401\n"),
        "crm/forms/base.py": ("", "class CustomerFormSet:\n    pass\n"),
        "crm/forms/fields.py": ("", "from crm.models import Customer\n\n\n"
                                    "class CustomerFieldMixin:\n    model = Customer\n"),
        "ledger/views.py": ("from crm.mixins", "from crm.forms.fields import CustomerFieldMixin\n"
                                               "\n\nclass Picker(CustomerFieldMixin):\n"
                                               "    pass\n\n\nfrom crm.mixins")})
    plan = build_plan(build_graph(root, use_cache=False), root, ["ledger"])
    assert {("crm/forms/__init__.py", "kernel"), ("crm/forms/base.py", "kernel"),
            ("crm/forms/fields.py", "carried")} <= {(f.source, f.kind) for f in plan.record.files}


def test_a_carried_model_form_of_a_model_that_stays_is_carried(tmp_path: Path):
    # pretalx's common carries person's forms: ModelForms of User, SpeakerProfile. Built from
    # the remote model's fields in the service (runtime/tests/test_remote_introspection.py).
    root = analysed_copy("staying_names", tmp_path / "monolith", {
        "crm/forms.py": ("", "from django import forms\n\nfrom crm.models import Customer\n\n\n"
                             "class CustomerForm(forms.ModelForm):\n    class Meta:\n"
                             "        model = Customer\n        fields = [\"name\"]\n"),
        "ledger/views.py": ("from crm.mixins", "from crm.forms import CustomerForm\n"
                                               "from crm.mixins")})
    plan = build_plan(build_graph(root, use_cache=False), root, ["ledger"])
    assert ("crm/forms.py", "carried") in {(f.source, f.kind) for f in plan.record.files}


def test_the_project_defaults_to_the_current_folder(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch):
    # `decompose extract common --dry-run` run inside pretalx's src/ ended in a ValueError.
    monkeypatch.chdir(analysed_copy("staying_names", tmp_path / "monolith"))
    result = invoke("ledger", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "crm/mixins.py (carried copy)" in result.output


IMPORTS = """
import django
django.setup()
from crm.mixins import CustomerScopedMixin, Customer
from decompose_remote.models import RemoteModel
from ledger.views import COOLDOWN, EntryViewSet, Tier, KIND_VERIFY, crm_services
print(CustomerScopedMixin in EntryViewSet.__mro__, isinstance(Customer, RemoteModel),
      Tier.GOLD.label, KIND_VERIFY, COOLDOWN.seconds, crm_services.gold_ids.__doc__)
"""


def test_the_service_imports_checks_and_passes_ruff(tmp_path: Path):
    root = analysed_copy("staying_names", tmp_path / "monolith")
    out = tmp_path / "service"
    result = invoke("ledger", "--project", str(root), "--out", str(out))
    assert result.exit_code == 0, result.output
    check = django(out, "manage.py", "check")
    assert check.returncode == 0, check.stderr
    imported = django(out, "-c", IMPORTS)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.split(" ", 5) == [
        "True", "True", "Gold", "verify", "300", "Calls the monolith's crm.services.gold_ids over "
        "HTTP (never retried).\n"]
    assert (out / "monolith" / "crm" / "verification.py").read_text().endswith(
        '"""\n\nfrom datetime import timedelta\n\n'
        'KIND_VERIFY = "verify"\nSEND_MINUTES = 5\nCOOLDOWN = timedelta(minutes=SEND_MINUTES)\n')
    assert (out / MIXIN).read_text().startswith(
        "from monolith.crm.models import Customer\n"
        "from monolith.crm.verification import KIND_VERIFY\n")
    assert "- `crm/mixins.py`" in (out / "EXTRACTION.md").read_text()
    ruff = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=out,
                          capture_output=True, text=True, timeout=60)
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
