from __future__ import annotations

import pytest

from decompose.model import Boundaries, ProjectGraph
from tests.analyzer.report.shop import shop_boundaries, shop_graph


@pytest.fixture(scope="session")
def shop() -> tuple[ProjectGraph, Boundaries]:
    graph = shop_graph()
    return graph, shop_boundaries(graph)
