"""The real pipeline on sample_monolith: graph, proposal, then every report, twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.boundaries import propose
from analyzer.pipeline import build_graph
from analyzer.report import DEFAULT_FORMATS, render_reports
from decompose.config import BoundarySettings
from tests.analyzer.boundaries.tools import small_project

pytestmark = pytest.mark.slow

SAMPLE = Path(__file__).resolve().parents[3] / "sample_monolith"


def test_sample_reports_are_deterministic(tmp_path):
    outputs = []
    for run in ("a", "b"):
        graph = build_graph(SAMPLE, cache_dir=tmp_path / f"cache-{run}")
        boundaries = propose(graph, BoundarySettings())
        assert render_reports(graph, boundaries, tmp_path / run, DEFAULT_FORMATS) == ()
        outputs.append(tmp_path / run)
    first, second = outputs
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        if name.endswith((".dot", ".md", ".html", ".svg")):
            assert (first / name).read_bytes() == (second / name).read_bytes(), name
    html = (first / "report.html").read_text()
    for service in boundaries.services:
        assert f'id="service-{service.name}"' in html
        assert (first / f"service-{service.name}.svg").exists()


def test_report_states_the_decision_roles_and_next_best_costs(tmp_path):
    graph = build_graph(SAMPLE, cache_dir=tmp_path / "cache")
    boundaries = propose(graph, BoundarySettings())
    render_reports(graph, boundaries, tmp_path, frozenset({"md"}))
    text = (tmp_path / "report.md").read_text()
    assert f"**Split:** {boundaries.decision.reason}." in text
    assert "What would change it: every grouping costing more than 1 per table" in text
    assert "| demo | layer |" in text and "| accounts | identity |" in text
    assert "moving it to 'orders' would change business FKs by" in text
    assert "Foreign keys between business services" in text
    assert "per service" not in text.split("### Proposal vs baselines")[1].split("###")[0]


def test_report_says_do_not_split_yet(tmp_path):
    graph = small_project()
    boundaries = propose(graph, BoundarySettings())
    render_reports(graph, boundaries, tmp_path, frozenset({"md", "html"}))
    text = (tmp_path / "report.md").read_text()
    assert f"**Do not split yet:** {boundaries.decision.reason}." in text
    assert "Do not split yet:</strong>" in (tmp_path / "report.html").read_text()
