"""The service's openapi.yaml as extraction makes it, on tests/fixtures/tuple_shop's pages app.

A monolith whose own code drf-spectacular warns about (tandoor's ``@api_view``s without a
schema): refused by default with the way out named; ``--schema-warnings allow`` writes the
service with the warnings listed, and the service's own schema checks run without
``--fail-on-warn``, naming them. Moved code that prints when imported (tandoor's django-vite)
leaves the schema alone. Documentation that settings switch on from the command line
(pretalx's ``LOAD_SPECTACULAR``) is on when the service's test generates its schema too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractor.command import extract
from extractor.openapi import OpenApiError
from tests.extractor.projects import analysed_copy
from tests.support.postgres import temporary_postgres
from tests.support.processes import clean_env

# tandoor's download_file: a function view with no serializer to document its response by.
VIEWS = '''\
from rest_framework.decorators import api_view
from rest_framework.response import Response

from pages.models import Page


@api_view(["GET"])
def page_titles(request):
    return Response({"titles": list(Page.objects.values_list("title", flat=True))})
'''
WARNING = ("pages/views.py: Error [page_titles]: unable to guess serializer. This is graceful "
           "fallback handling for APIViews. Consider using GenericAPIView as view base class, "
           "if view is under your control. Either way you may want to add a serializer_class "
           "(or method). Ignoring view for now.")

# pretalx: its documentation decorators are real only when the command line runs spectacular
# (pretalx/settings.py sets LOAD_SPECTACULAR under `if "spectacular" in sys.argv:`).
ARGV_SETTINGS = ('SECRET_KEY = "fixture"', '''import sys

SECRET_KEY = "fixture"
LOAD_SPECTACULAR = False
if "spectacular" in sys.argv:
    LOAD_SPECTACULAR = True''')
DOCUMENTED_VIEWS = '''\
from django.conf import settings
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from pages.models import Page

if settings.LOAD_SPECTACULAR:
    documented = extend_schema(responses=inline_serializer(
        "PageTitles", {"titles": serializers.ListField(child=serializers.CharField())}))
else:
    def documented(view):
        return view


@documented
@api_view(["GET"])
def page_titles(request):
    return Response({"titles": list(Page.objects.values_list("title", flat=True))})
'''


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> Path:
    return analysed_copy("tuple_shop", tmp_path_factory.mktemp("warnings") / "shop",
                         {"pages/views.py": ("", VIEWS)})


@pytest.fixture(scope="module")
def allowed(shop: Path) -> tuple[Path, str]:
    """The pages service extracted with the warning allowed, and what extract printed."""
    out = shop.parent / "allowed"
    result = CliRunner().invoke(extract, ["pages", "--project", str(shop), "--out", str(out),
                                          "--schema-warnings", "allow"])
    assert result.exit_code == 0, result.output
    return out, result.stderr


def test_a_warning_is_refused_by_default_naming_the_option(shop: Path):
    out = shop.parent / "refused"
    result = CliRunner().invoke(extract, ["pages", "--project", str(shop), "--out", str(out)])
    assert isinstance(result.exception, OpenApiError)
    assert str(result.exception) == (
        "pages/views.py: drf-spectacular cannot document the moved code: Error [page_titles]: "
        "unable to guess serializer; give the view a serializer_class or @extend_schema in the "
        "monolith and extract again, or extract with --schema-warnings allow to list them in "
        "EXTRACTION.md")
    assert not out.exists()


def test_an_allowed_warning_is_listed_and_printed(allowed: tuple[Path, str]):
    service, stderr = allowed
    assert stderr == f"warning: {WARNING} (allowed: see EXTRACTION.md)\n"
    report = (service / "EXTRACTION.md").read_text()
    assert "## Schema warnings allowed (1)\n\n" in report
    assert f"\n- `{WARNING}`\n" in report


def test_the_services_schema_checks_run_without_fail_on_warn_naming_it(
        allowed: tuple[Path, str]):
    service, _ = allowed
    checks = {path: (service / path).read_text() for path in (
        "tests/test_openapi.py", ".github/workflows/ci.yml", ".pre-commit-config.yaml",
        "README.md")}
    for path, text in checks.items():
        assert "spectacular" in text and "--fail-on-warn" in text, path  # says why it is not
        assert "--validate --fail-on-warn" not in text, path
        assert '"--validate", "--fail-on-warn"' not in text, path
    assert f"# - {WARNING}\n" in checks["tests/test_openapi.py"]
    assert f"        # - {WARNING}\n" in checks[".github/workflows/ci.yml"]
    assert f"- `{WARNING}`\n" in checks["README.md"]
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."],
                          cwd=service, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.postgres
def test_the_service_with_an_allowed_warning_passes_its_own_suite(allowed: tuple[Path, str]):
    service, _ = allowed
    with temporary_postgres("pages") as url:
        done = subprocess.run([sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider"],
                              cwd=service, capture_output=True, text=True, timeout=600,
                              env=clean_env(DATABASE_URL=url, PYTHONPATH=str(service)))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "tests/test_openapi.py::test_committed_schema_is_current PASSED" in done.stdout


def test_moved_code_printing_when_imported_leaves_the_schema_alone(tmp_path: Path):
    shop = analysed_copy("tuple_shop", tmp_path / "shop", {"pages/views.py": (
        "from pages.models import Page\n", "from pages.models import Page\n\n"
        'print("Running django-vite in production mode (no HMR)")\n')})
    out = tmp_path / "pages"
    result = CliRunner().invoke(extract, ["pages", "--project", str(shop), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "openapi.yaml").read_text().startswith("openapi: 3.0.3\n")


@pytest.mark.postgres
def test_documentation_switched_on_by_the_command_line_is_on_in_the_services_test(
        tmp_path: Path):
    shop = analysed_copy("tuple_shop", tmp_path / "shop", {
        "pages/views.py": ("", DOCUMENTED_VIEWS), "config/settings.py": ARGV_SETTINGS})
    out = tmp_path / "service"
    result = CliRunner().invoke(extract, ["pages", "--project", str(shop), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "PageTitles" in (out / "openapi.yaml").read_text()
    with temporary_postgres("pages") as url:
        done = subprocess.run([sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider",
                               "tests/test_openapi.py"],
                              cwd=out, capture_output=True, text=True, timeout=600,
                              env=clean_env(DATABASE_URL=url, PYTHONPATH=str(out)))
    assert "tests/test_openapi.py::test_committed_schema_is_current PASSED" in done.stdout, (
        done.stdout[-3000:] + done.stderr[-2000:])
