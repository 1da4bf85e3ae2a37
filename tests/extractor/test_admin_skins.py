"""A moved admin wears the monolith's admin skin (Kiwi TCMS lists Grappelli before
``django.contrib.admin``): the skin is installed in the service before its admin, pinned as the
monolith pins it, with the settings of its own the monolith sets and the monolith's URLs its
templates reverse; the service's admin page is rendered with the skin's templates
(tests/fixtures/admin_skin, its skin tests/fixtures/env_skinkit installed from a wheel)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.pipeline import build_graph
from decompose.model import Level
from decompose.modules import default_site_paths
from decompose.serialize import write_json_atomic
from extractor.plan import build_plan
from tests.extractor.projects import FIXTURES, analysed_copy
from tests.extractor.test_extract_command import django, invoke
from tests.support.wheels import pip_install, wheel_of

PAGE = """
import django
django.setup()
from django.test import Client
from decompose_remote.testing import access_token
token = access_token("notes", is_staff=True, is_superuser=True)
reply = Client().get("/admin/notes/", HTTP_AUTHORIZATION=f"Bearer {token}")
print(reply.status_code)
print(reply.content.decode())
"""
ABOUT = """
import django
django.setup()
from django.template.loader import get_template
from django.test import Client
reply = Client().get("/api/notes/about/")
print(reply.status_code, reply.content.decode().strip())
print(get_template("registration/password_reset_form.html").render().strip())
"""


def skinned_monolith(tmp_path: Path) -> tuple[Path, Path]:
    """The fixture monolith analysed with skinkit installed in its environment."""
    site = tmp_path / "site-packages"
    pip_install(wheel_of(FIXTURES / "env_skinkit" / "skinkit", tmp_path), site)
    root = analysed_copy("admin_skin", tmp_path / "monolith")
    write_json_atomic(root / "decompose-report" / "graph.json", build_graph(
        root, site_paths=(site, *default_site_paths()), use_cache=False))
    return root, site


def test_the_service_wears_the_monoliths_admin_skin(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch):
    root, site = skinned_monolith(tmp_path)
    monkeypatch.setenv("UV_FIND_LINKS", str(tmp_path))  # the service's lock finds the wheel
    plan = build_plan(build_graph(root, site_paths=(site, *default_site_paths()),
                                  use_cache=False), root, ["notes"])
    assert plan.spec.admin_skins == ("skinkit",)
    assert "skinkit==1.0" in plan.spec.dependencies
    assert plan.record.routes == ("/admin/notes/", "/api/notes/")
    out = tmp_path / "service"
    result = invoke("notes", "--project", str(root), "--out", str(out))
    assert result.exit_code == 0, result.output
    settings = (out / "config/settings/base.py").read_text()
    assert ('    "django.contrib.contenttypes",\n'
            "    # The monolith's admin skin: listed before the admin there too, so its "
            "templates win.\n"
            '    "skinkit",\n'
            "    # The moved apps' admin, for the monolith's staff (decompose_remote/admin.py).\n"
            '    "decompose_remote.apps.ServiceAdminConfig",\n') in settings
    assert settings.count('"skinkit"') == 1
    assert ('    "django.middleware.security.SecurityMiddleware",\n'
            "    # Each request's language, picked as the monolith picks it (before "
            "CommonMiddleware).\n"
            '    "django.middleware.locale.LocaleMiddleware",\n'
            '    "django.middleware.common.CommonMiddleware",\n') in settings
    assert "SKINKIT_TITLE = 'Notes desk'\n" in settings
    assert ("- **The monolith's admin skin**: `skinkit`, listed before\n"
            "  `django.contrib.admin` in the monolith's `INSTALLED_APPS`, is installed before "
            "the service's admin too") in (out / "EXTRACTION.md").read_text()
    urls = (out / "config/urls.py").read_text()
    assert ('    path("skin/help/", monolith_page, name="skin_help"),\n'  # its code reverses
            '    path("skin/lookup/", monolith_page, name="skin_lookup"),\n') in urls
    assert ('    re_path(r"^people/(?P<pk>\\d+)/$", monolith_page, name="profile"),\n'
            in urls)
    assert sorted(c.target for c in plan.record.files if c.kind == "template") == [
        "templates/admin/app_index.html", "templates/desk/about.html",
        "templates/desk/help.html", "templates/registration/password_reset_form.html"]
    check = django(out, "manage.py", "check", site=site)
    assert check.returncode == 0, check.stderr
    page = django(out, "-c", PAGE, settings="config.settings.test", site=site)
    assert page.returncode == 0, page.stderr
    status, _, body = page.stdout.partition("\n")
    assert status == "200"
    assert '<div id="skinkit" data-lookup="/skin/lookup/">Notes desk</div>' in body
    assert '<html lang="en" dir="ltr">' in body  # the monolith's LocaleMiddleware
    assert '<a id="profile" href="/people/7/">Notes administration</a>' in body
    assert '<p id="help">Ask the notes desk.</p>' in body
    about = django(out, "-c", ABOUT, settings="config.settings.test", site=site)
    assert about.returncode == 0, about.stderr
    assert about.stdout == ('200 <main id="about"><p id="help">Ask the notes desk.</p>\n'
                            "</main>\n"
                            '<form id="desk-reset">Reset your notes desk password</form>\n')


def test_the_monoliths_admin_templates_needing_what_cannot_be_provided_are_named(
        tmp_path: Path):
    root, site = skinned_monolith(tmp_path)
    override = root / "templates/admin/app_index.html"
    override.write_text("{% load desk_tags %}\n" + override.read_text())
    plan = build_plan(build_graph(root, site_paths=(site, *default_site_paths()),
                                  use_cache=False), root, ["notes"])
    assert sorted(c.target for c in plan.record.files if c.kind == "template") == [
        "templates/desk/about.html", "templates/desk/help.html",
        "templates/registration/password_reset_form.html"]
    assert [(str(r.location), r.level, r.message) for r in plan.record.rewrites
            if r.codemod == "templates"] == [(
                "templates/admin/app_index.html:1", Level.WARNING,
                "the monolith's own template, not the service's (it renders the installed "
                "app's instead): template tag library 'desk_tags' (loaded by "
                "templates/admin/app_index.html) is not one the service can install")]


def test_an_admin_module_registering_no_model_of_its_app_serves_no_page_and_no_skin(
        tmp_path: Path):
    # kiwi_auth's admin.py registers auth's User and Group only: /admin/kiwi_auth/ is a 404
    # in the monolith, never a page of the service.
    root, site = skinned_monolith(tmp_path)
    (root / "notes" / "admin.py").write_text(
        "from django.contrib import admin\nfrom django.contrib.auth.models import Group\n\n"
        "admin.site.unregister(Group)\nadmin.site.register(Group)\n")
    plan = build_plan(build_graph(root, site_paths=(site, *default_site_paths()),
                                  use_cache=False), root, ["notes"])
    assert plan.record.routes == ("/api/notes/",)
    assert [r.message for r in plan.record.rewrites if r.location.path == "notes/admin.py"] == [
        "copied: it registers no model of notes, so no admin page of the app is the service's"]
    assert plan.spec.admin_skins == ()
    assert sorted(c.target for c in plan.record.files if c.kind == "template") == [
        "templates/desk/about.html", "templates/desk/help.html",
        "templates/registration/password_reset_form.html"]  # no admin page: no admin/ ones
    assert "skinkit" not in plan.spec.third_party_apps
    assert not any(d.startswith("skinkit") for d in plan.spec.dependencies)
