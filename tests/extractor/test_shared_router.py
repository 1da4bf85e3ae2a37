"""Routes from a real URLconf (tests/fixtures/tuple_shop): one DRF router shared by two apps is
split per app, a route with a converter is routed by its static prefix, ``--routes`` overrides
what the proxy sends; each service passes ``ruff check`` with its own config as generated."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from decompose.cli import main
from tests.extractor.projects import analysed_copy
from tests.support.postgres import temporary_postgres
from tests.support.processes import clean_env


@pytest.fixture(scope="module")
def services(tmp_path_factory) -> Path:
    shop = analysed_copy("tuple_shop", tmp_path_factory.mktemp("routes") / "shop")
    main(["extract", "notes", "--project", str(shop)])
    main(["extract", "pages", "--project", str(shop)])
    main(["extract", "billing", "--project", str(shop), "--routes", "/api/v1/invoices/",
          "--routes", "/api/v1/invoice-exports/"])
    return shop.parent / "services"


def routes(service: Path) -> list[str]:
    return json.loads((service / "extraction.json").read_text())["routes"]


def resolves(service: Path, *paths: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.local",
               DATABASE_URL="postgres://u@127.0.0.1:9/none", PYTHONPATH=str(service))
    code = ("import django; django.setup(); from django.urls import Resolver404, resolve\n"
            f"for path in {list(paths)!r}:\n"
            "    try: print(path, resolve(path).func.__name__)\n"
            "    except Resolver404: print(path, '404')\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=service, env=env, text=True,
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_shared_router_is_split_per_app(services: Path):
    assert routes(services / "notes") == ["/api/v1/invoices/notes/", "/api/v1/notes/",
                                          "/boards/"]
    assert resolves(services / "notes", "/api/v1/notes/", "/api/v1/notes/3/",
                    "/api/v1/invoices/", "/boards/kanban/notes/") == (
        "/api/v1/notes/ NoteViewSet\n/api/v1/notes/3/ NoteViewSet\n/api/v1/invoices/ 404\n"
        "/boards/kanban/notes/ notes_by_slug\n")
    urls = (services / "notes" / "config" / "urls.py").read_text()
    assert 'router_1.register("notes", NoteViewSet, basename="note")\n' in urls
    assert "from notes.views import InvoiceNoteViewSet, NoteViewSet, notes_by_slug\n" in urls


def test_a_registration_without_a_list_route_is_served_only_below_its_prefix(services: Path):
    # InvoiceNoteViewSet retrieves only: the service routes /api/v1/invoices/notes/3/ but
    # neither /api/v1/invoices/notes/ nor /api/v1/invoices/notes, which the monolith gives to
    # InvoiceViewSet's detail route; NoteViewSet lists, so /api/v1/notes/ is the service's.
    record = json.loads((services / "notes" / "extraction.json").read_text())
    assert record["children_only_routes"] == ["/api/v1/invoices/notes/"]
    assert resolves(services / "notes", "/api/v1/invoices/notes/3/", "/api/v1/invoices/notes/",
                    "/api/v1/invoices/notes") == (
        "/api/v1/invoices/notes/3/ InvoiceNoteViewSet\n/api/v1/invoices/notes/ 404\n"
        "/api/v1/invoices/notes 404\n")
    report = (services / "notes" / "EXTRACTION.md").read_text()
    assert ("- `/api/v1/invoices/notes/` (only what lies under it: the service routes neither "
            "`/api/v1/invoices/notes/` nor `/api/v1/invoices/notes`, which stay where they "
            "were)\n- `/api/v1/notes/`\n") in report
    # Prefixes that are not router registrations (a plain view's, the pages') are not asked.
    assert json.loads((services / "pages" / "extraction.json").read_text())[
        "children_only_routes"] == []


def test_routes_override_what_the_proxy_sends(services: Path):
    assert routes(services / "billing") == ["/api/v1/invoice-exports/", "/api/v1/invoices/"]
    assert resolves(services / "billing", "/api/v1/invoices/", "/api/v1/notes/") == (
        "/api/v1/invoices/ InvoiceViewSet\n/api/v1/notes/ 404\n")


@pytest.mark.parametrize("name", ["notes", "billing"])
def test_the_service_passes_ruff_with_its_own_config(services: Path, name: str):
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."],
                          cwd=services / name, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_route_prefix_with_a_converter_is_refused_for_routes(tmp_path: Path, capsys):
    with pytest.raises(SystemExit):
        main(["extract", "notes", "--project", str(tmp_path), "--routes", "/<slug>/"])
    assert capsys.readouterr().err == ("error: --routes '/<slug>/': a prefix starts and ends "
                                       "with '/' and has no converter\n")


@pytest.mark.postgres
def test_the_services_suite_runs_the_moved_apps_tests_and_passes(services: Path):
    service = services / "billing"
    assert 'testpaths = ["tests", "billing/tests/test_invoices.py"]' in (
        service / "pyproject.toml").read_text()
    with temporary_postgres("billing") as url:
        done = subprocess.run([sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider",
                               "-x"], cwd=service, capture_output=True, text=True, timeout=600,
                              env=clean_env(DATABASE_URL=url, PYTHONPATH=str(service)))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert ("billing/tests/test_invoices.py::test_an_invoice_keeps_its_total PASSED"
            in done.stdout)


@pytest.mark.postgres
def test_a_service_without_api_operations_passes_its_suite(services: Path):
    service = services / "pages"
    assert "paths: {}" in (service / "openapi.yaml").read_text()
    assert routes(service) == ["/pages/titles/"]
    with temporary_postgres("pages") as url:
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                              cwd=service, capture_output=True, text=True, timeout=600,
                              env=clean_env(DATABASE_URL=url, PYTHONPATH=str(service)))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


def test_patterns_built_from_the_urlconfs_constants_are_read(tmp_path: Path, capsys):
    shop = analysed_copy("tuple_shop", tmp_path / "shop")
    urls = shop / "config" / "urls.py"  # the same routes on the same lines, spelt with
    urls.write_text(urls.read_text()  # constants after the analysis
                    .replace("router = DefaultRouter()",
                             'router = DefaultRouter(); BOARDS = "boards/"; API = "api/" + "v1/"')
                    .replace('path("api/v1/", include(router.urls))',
                             "path(API, include(router.urls))")
                    .replace('path("boards/<str:slug>', 'path(f"{BOARDS}<str:slug>'))
    main(["extract", "notes", "--project", str(shop), "--dry-run"])
    assert capsys.readouterr().out.splitlines()[1] == (
        "routes: /api/v1/invoices/notes/, /api/v1/notes/, /boards/")
