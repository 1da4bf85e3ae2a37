"""Routes without a trailing slash (tests/fixtures/catchall_routes, tandoor's frontend): the
moved URLconf mounts where it is included, not at one of its own paths."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from decompose.model import GRAPH_SCHEMA_VERSION, Mount, ProjectGraph
from decompose.serialize import read_json
from extractor.command import extract
from extractor.plan import build_plan
from extractor.spec import RoutedView
from tests.extractor.projects import analysed_copy
from tests.support.postgres import temporary_postgres
from tests.support.processes import clean_env


def test_a_catch_all_and_file_like_paths_keep_the_urlconf_mounted_at_the_root(
        tmp_path: Path):
    shop = analysed_copy("catchall_routes", tmp_path / "shop")
    graph = read_json(shop / "decompose-report" / "graph.json", ProjectGraph,
                      schema_version=GRAPH_SCHEMA_VERSION)
    plan = build_plan(graph, shop, ["pages"])
    assert plan.record.mounts == (Mount("", "pages.urls"),)
    # the service routes the root URLconf's view at the monolith's own path, no slash added
    assert plan.spec.routed_views == (
        RoutedView("", "manifest.json", "pages.views.manifest", "manifest", False),)
    assert plan.record.routes == ("/", "/manifest.json/")


ROUTER_URLS = """\
from django.urls import include, path

from pages import views
from pages.api import PageViewSet
from rest_framework.routers import DefaultRouter

router = DefaultRouter()
router.register(r"page", PageViewSet)

urlpatterns = [
    path("api/", include((router.urls, "api"))),
    path("<path:resource>", views.index, name="frontend"),
]
"""
ROUTER_VIEWS = """\
from rest_framework import viewsets

from pages.models import Page
from pages.views import PageSerializer


class PageViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Page.objects.all()
    serializer_class = PageSerializer
"""
# tandoor's detail actions (/api/food/{id}/cascading/): no format suffix route after them
ACTION_VIEWS = ROUTER_VIEWS.replace("from rest_framework import viewsets", (
    "from rest_framework import viewsets\nfrom rest_framework.decorators import action\n"
    "from rest_framework.response import Response")) + """
    @action(detail=True)
    def related(self, request, pk=None):
        return Response(PageSerializer(self.get_object()).data)
"""


def test_a_router_the_urlconf_includes_itself_adds_no_mount(tmp_path: Path):
    """tandoor's cookbook/urls.py registers its viewsets on a router it includes itself
    (``path('api/', include((router.urls, 'api')))``): the service includes that URLconf
    once, at the root, not again at api/ (it served its API at /api/api/ too, where the
    catch-all answered first)."""
    shop = analysed_copy("catchall_routes", tmp_path / "shop", {
        "pages/urls.py": ("", ROUTER_URLS), "pages/api.py": ("", ROUTER_VIEWS)})
    graph = read_json(shop / "decompose-report" / "graph.json", ProjectGraph,
                      schema_version=GRAPH_SCHEMA_VERSION)
    plan = build_plan(graph, shop, ["pages"])
    assert plan.record.mounts == (Mount("", "pages.urls"),)


@pytest.mark.postgres
def test_a_service_routing_every_path_passes_its_suite_skipping_the_404_tests(tmp_path: Path):
    """tandoor's frontend catch-all moves with the app: no path is left for the skeleton's
    404 tests (its unknown page, the metrics of an unmatched route, the request id on an
    error), which say so instead of failing on the catch-all's answer."""
    shop = analysed_copy("catchall_routes", tmp_path / "shop")
    out = tmp_path / "pages"
    result = CliRunner().invoke(extract, ["pages", "--project", str(shop), "--out", str(out)])
    assert result.exit_code == 0, result.output
    with temporary_postgres("pages") as url:
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                               "-rs"], cwd=out, capture_output=True, text=True, timeout=600,
                              env=clean_env(DATABASE_URL=url, PYTHONPATH=str(out)))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    skipped = [line for line in done.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(skipped) == 3, done.stdout[-3000:]
    assert all("the service routes every path, as the monolith does ('<path:resource>' of "
               "pages.views): no path is left unrouted" in line for line in skipped)


@pytest.mark.postgres
def test_the_contract_test_leaves_out_the_paths_the_catch_all_answers(tmp_path: Path):
    """tandoor's API ids under its frontend catch-all: an id its router's route does not match
    (``/api/page/0.5/related/``: ``[^/.]+``) is answered by the catch-all (a 200 the Page
    schema does not describe: the contract test failed), not by the operation; those cases
    are left out, the others kept."""
    shop = analysed_copy("catchall_routes", tmp_path / "shop", {
        "pages/urls.py": ("", ROUTER_URLS), "pages/api.py": ("", ACTION_VIEWS)})
    out = tmp_path / "pages"
    result = CliRunner().invoke(extract, ["pages", "--project", str(shop), "--out", str(out)])
    assert result.exit_code == 0, result.output
    check = ("import django; django.setup(); from tests.test_openapi import answered_by_the_api;"
             "print([answered_by_the_api(p) for p in ('/api/page/1/related/', "
             "'/api/page/0.5/related/', '/api/page/null%2Cnull/', '/nowhere/')])")
    with temporary_postgres("pages") as url:
        env = clean_env(DATABASE_URL=url, PYTHONPATH=str(out),
                        DJANGO_SETTINGS_MODULE="config.settings.test")
        answered = subprocess.run([sys.executable, "-c", check], cwd=out, capture_output=True,
                                  text=True, timeout=300, env=env)
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                               "tests/test_openapi.py"], cwd=out, capture_output=True,
                              text=True, timeout=600, env=env)
    assert answered.stdout == "[True, False, True, False]\n", answered.stderr[-2000:]
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
