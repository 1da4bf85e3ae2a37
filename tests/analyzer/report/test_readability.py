"""Readable at scale, as Chromium lays the report out at 1400 px: a 140-model project (two
services of 60 models) and a 35-app one. No text renders below 9 px, no two cluster boxes
overlap, and large services are drawn in pages by app instead of one shrunken graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.boundaries import propose
from analyzer.pipeline import build_graph
from analyzer.report import render_reports
from analyzer.report.modelgraph import PAGE_MODELS
from benchmarks.synth import generate
from decompose.config import BoundarySettings
from tests.analyzer.report.measure import measure
from tests.analyzer.report.test_browser import CHROMIUM, FLAGS

pytestmark = pytest.mark.slow
MIN_TEXT_PX = 9


@pytest.mark.parametrize(("apps", "models"), [(7, 20), (35, 2)])
def test_report_is_readable_at_scale(tmp_path, apps, models):
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium not installed")
    project = generate(tmp_path / "project", apps, models)
    graph = build_graph(project, use_cache=False)
    assert len(graph.own_apps) == apps and len(graph.models) >= apps * models
    boundaries = propose(graph, BoundarySettings())
    out = tmp_path / "report"
    assert render_reports(graph, boundaries, out, frozenset({"html", "svg"})) == ()
    layout = measure(out / "report.html",
                     [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}"])
    assert layout.width == 1400
    assert layout.smallest_text >= MIN_TEXT_PX, layout.smallest_label
    assert layout.overlaps == ()
    pages = {s.name: len(list(out.glob(f"service-{s.name}*.svg"))) for s in boundaries.services}
    for service in boundaries.services:
        assert pages[service.name] >= len(service.models) / PAGE_MODELS
    assert layout.svgs == 1 + sum(pages.values())  # the app graph, then every page
