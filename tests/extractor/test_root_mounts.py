"""Routes without a trailing slash (tests/fixtures/catchall_routes, tandoor's frontend): the
moved URLconf mounts where it is included, not at one of its own paths."""

from __future__ import annotations

from pathlib import Path

from decompose.model import GRAPH_SCHEMA_VERSION, Mount, ProjectGraph
from decompose.serialize import read_json
from extractor.plan import build_plan
from extractor.spec import RoutedView
from tests.extractor.projects import analysed_copy


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
