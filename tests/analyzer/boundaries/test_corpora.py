"""Proof on real projects: at the written-down cut's number of services and with its kernel,
the proposal cuts no more business FKs and no more distributed transactions than the cut a
senior engineer made from the project's docs (expert_cuts.py); pretalx is not split."""

from __future__ import annotations

import subprocess

import pytest

from analyzer.boundaries import propose, rescore
from analyzer.pipeline import build_graph
from decompose.config import BoundarySettings
from tests.analyzer.boundaries.expert_cuts import EXPERT_CUTS
from tests.support.corpora import CORPORA, ensure_installed, lay_out, site_paths


@pytest.fixture(scope="module", params=sorted(EXPERT_CUTS))
def corpus(request, tmp_path_factory):
    item = CORPORA[request.param]
    try:
        ensure_installed(item)
    except subprocess.CalledProcessError as exc:
        pytest.skip(f"{item.requirement} is not installable here: {exc}")
    root = lay_out(item, tmp_path_factory.mktemp(item.name) / item.name)
    graph = build_graph(root, item.settings, site_paths=site_paths(item), use_cache=False)
    return EXPERT_CUTS[request.param], graph


def test_not_worse_than_the_written_down_cut(corpus):
    cut, graph = corpus  # pretalx too: its written-down cut is the split it would take
    settings = BoundarySettings(shared_kernel=cut.kernel)
    expert = rescore(graph, cut.partition(graph), settings)
    business = len([s for s in expert.services if not s.kernel])
    mine = propose(graph, BoundarySettings(shared_kernel=cut.kernel, services=business))
    assert len([s for s in mine.services if not s.kernel]) == business
    assert mine.metrics.business_fks <= expert.metrics.business_fks
    assert mine.metrics.distributed_transactions <= expert.metrics.distributed_transactions


def test_split_decision_matches_the_engineer(corpus):
    cut, graph = corpus
    proposal = propose(graph, BoundarySettings())
    assert proposal.decision.split is cut.split
    kernel = set(proposal.shared_kernel)
    assert set(cut.kernel) <= kernel | {"oscar"}
    for service in proposal.services:  # no service without tables, none above 80% of them
        assert service.models or service.kernel
    tables = sum(len(s.models) for s in proposal.services if not s.kernel)
    assert all(len(s.models) <= 0.8 * tables for s in proposal.services
               if not s.kernel and proposal.decision.split)
