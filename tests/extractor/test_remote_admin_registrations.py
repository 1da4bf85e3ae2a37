"""A moved admin module that registers a model of an app that stays (tandoor's
``admin.site.unregister(User); admin.site.register(User, CustomUserAdmin)``): in the service
that name is a remote stand-in Django's admin cannot register, so the registration is removed
with a comment and listed in EXTRACTION.md, and the service's admin loads
(tests/fixtures/staying_names, edited)."""

from __future__ import annotations

from pathlib import Path

from tests.extractor.projects import analysed_copy
from tests.extractor.test_extract_command import django, invoke

ADMIN = """from django.contrib import admin

from crm.models import Customer
from ledger.models import Entry


class CustomerAdmin(admin.ModelAdmin):
    list_display = ["id"]


admin.site.register(Customer, CustomerAdmin)
admin.site.register(Entry)
"""
SERVED = """
import django
django.setup()
from django.contrib import admin
print(sorted(model._meta.label for model in admin.site._registry
             if model._meta.app_label in ("crm", "ledger")))
"""


def test_registrations_of_models_that_stay_leave_the_services_admin(tmp_path: Path):
    root = analysed_copy("staying_names", tmp_path / "monolith", {"ledger/admin.py": ("", ADMIN)})
    out = tmp_path / "service"
    result = invoke("ledger", "--project", str(root), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "ledger/admin.py").read_text().endswith(
        "\n\n# decompose: crm.Customer stays, its admin too: "
        "admin.site.register(Customer, CustomerAdmin)\nadmin.site.register(Entry)\n")
    assert ("- `ledger/admin.py:11` [remote_admin, **warning**] admin.site.register(Customer, "
            "CustomerAdmin) removed: crm.Customer stays in the monolith (a remote model here), "
            "whose admin keeps serving it\n") in (out / "EXTRACTION.md").read_text()
    served = django(out, "-c", SERVED)
    assert served.returncode == 0, served.stderr
    assert served.stdout == "['ledger.Entry']\n"


CARRIED_ADMIN = """from django.contrib import admin

from . import models


class CustomerInline(admin.TabularInline):
    model = models.Customer


admin.site.register(models.Customer)
"""
INLINES = """from django.contrib import admin

from crm.admin import CustomerInline
from ledger.models import Entry


class EntryAdmin(admin.ModelAdmin):
    inlines = [CustomerInline]


admin.site.register(Entry, EntryAdmin)
"""


def test_an_inline_of_a_model_that_stays_leaves_the_moved_admin_and_its_module_registers_none(
        tmp_path: Path):
    # taiga's wiki admin: inlines = [WatchedInline, VoteInline], carried from notifications and
    # votes, whose admin modules register their own models through `from . import models`
    root = analysed_copy("staying_names", tmp_path / "monolith", {
        "crm/admin.py": ("", CARRIED_ADMIN), "ledger/admin.py": ("", INLINES)})
    out = tmp_path / "service"
    result = invoke("ledger", "--project", str(root), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "    inlines = []\n" in (out / "ledger/admin.py").read_text()
    assert (out / "crm/admin.py").read_text().endswith(
        "    model = models.Customer\n\n\n# decompose: crm.Customer stays, its admin too: "
        "admin.site.register(models.Customer)\n")
    report = (out / "EXTRACTION.md").read_text()
    assert ("- `ledger/admin.py:8` [remote_admin, **warning**] inline CustomerInline removed: "
            "its model stays in the monolith (a remote model here), whose admin keeps it\n"
            ) in report
    served = django(out, "-c", SERVED)
    assert served.returncode == 0, served.stderr
    assert served.stdout == "['ledger.Entry']\n"
    check = django(out, "manage.py", "check")
    assert check.returncode == 0, check.stderr
