"""Django's and third-party apps whose models the service's code imports (kiwi's kernel
``tcms/core/models/base.py`` reads ``django.contrib.sites``' Site; its ``kiwi_auth`` builds a
ModelForm of ``auth.Group`` while a foreign key of it points at ``auth.User``, and its
templates include ``django/forms/widgets/multiwidget.html`` of ``django.forms``): the service
installs those apps, with the monolith's middleware of theirs (django-allauth refuses to start
without its ``AccountMiddleware``), and the moved code imports their models as they are, the
real models on the shared database, never remote stand-ins (tests/fixtures/staying_names,
edited)."""

from __future__ import annotations

from pathlib import Path

from analyzer.pipeline import build_graph
from extractor.plan import build_plan
from tests.extractor.projects import analysed_copy
from tests.extractor.test_extract_command import django, invoke

EDITS = {
    "config/settings.py": ('    "django.contrib.contenttypes",\n    "rest_framework",\n'
                           '    "crm",\n    "ledger",\n]\n',
                           '    "django.contrib.contenttypes",\n    "django.contrib.sites",\n'
                           '    "django.forms",\n    "rest_framework",\n    "crm",\n'
                           '    "ledger",\n]\nMIDDLEWARE = [\n'
                           '    "django.contrib.sessions.middleware.SessionMiddleware",\n'
                           '    "django.contrib.sites.middleware.CurrentSiteMiddleware",\n]\n'),
    "ledger/templates/ledger/entry.html": ("", '{% include "django/forms/widgets/input.html" %}\n'),
    "crm/links.py": ("", "from django.contrib.sites.models import Site\n\n\n"
                         "def site_name():\n    return Site.objects.get_current().name\n"),
    "ledger/models.py": ("    amount =", '    owner = models.ForeignKey("auth.User", null=True, '
                                       "on_delete=models.SET_NULL)\n    amount ="),
    "ledger/forms.py": ("", "from django import forms\n"
                            "from django.contrib.auth.models import Group\n\n"
                            "from crm.links import site_name\n\n\n"
                            "class GroupForm(forms.ModelForm):\n    class Meta:\n"
                            '        model = Group\n        fields = ["name", "permissions"]\n\n'
                            "    def site(self):\n        return site_name()\n"),
    "ledger/views.py": ("from ledger.models import Entry", "from ledger.forms import GroupForm"
                                                          "  # noqa: F401\n"
                                                          "from ledger.models import Entry"),
}
IMPORTS = """
import django
django.setup()
from django.contrib.auth.models import Group
from decompose_remote.models import RemoteModel
from ledger.forms import GroupForm
from monolith.django.contrib.auth.models import User
print(GroupForm._meta.model is Group, list(GroupForm.base_fields), isinstance(User, RemoteModel))
"""


def test_apps_whose_models_the_code_imports_are_installed_and_imported_for_real(
        tmp_path: Path):
    root = analysed_copy("staying_names", tmp_path / "monolith", EDITS)
    plan = build_plan(build_graph(root, use_cache=False), root, ["ledger"])
    assert plan.record.third_party_apps == ("django.contrib.sites", "django.forms")
    assert [m.module for m in plan.record.mirrors if m.module.startswith("django")] == [
        "django.contrib.auth.models"]  # the foreign key to auth.User is an id column
    out = tmp_path / "service"
    result = invoke("ledger", "--project", str(root), "--out", str(out))
    assert result.exit_code == 0, result.output
    settings = (out / "config/settings/base.py").read_text()
    assert '    "django.contrib.sites",\n    "django.forms",\n' in settings
    assert ('    "django.contrib.messages.middleware.MessageMiddleware",\n'
            "    # The monolith's, in its order: what shapes the moved views' responses there "
            "(minifiers,\n"
            "    # compression, security headers), what the third-party apps installed above "
            "need, and\n"
            "    # the moved apps' own (their request state), after the token's user they may "
            "read.\n"
            '    "django.contrib.sites.middleware.CurrentSiteMiddleware",\n]\n') in settings
    assert "from django.contrib.auth.models import Group\n" in (
        out / "ledger/forms.py").read_text()
    check = django(out, "manage.py", "check")
    assert check.returncode == 0, check.stderr
    imported = django(out, "-c", IMPORTS)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout == "True ['name', 'permissions'] True\n"
