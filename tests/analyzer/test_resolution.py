"""Resolution owns the model index without a reference cycle: dropping it frees both at once,
even while a run has the cycle collector paused."""

from __future__ import annotations

import gc
import weakref

from analyzer.discovery import discover
from analyzer.resolution import Resolution
from tests.analyzer.conftest import FIXTURES


def test_dropping_resolution_frees_its_model_index_without_the_cycle_collector() -> None:
    project = discover(FIXTURES / "edge_shop")
    resolution = Resolution(project, {}, {}, frozenset(), lambda module: None)
    index = weakref.ref(resolution.models)
    assert resolution.models.r.app_of("shop.orders.models") == "sales"  # the index reads names
    enabled = gc.isenabled()
    gc.disable()
    try:
        del resolution
        assert index() is None
    finally:
        if enabled:
            gc.enable()
