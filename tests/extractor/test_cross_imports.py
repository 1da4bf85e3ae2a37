"""Names the moved code imports from apps that stay, as real projects lay them out."""

from __future__ import annotations

from pathlib import Path

from analyzer.pipeline import build_graph
from decompose.model import CrossDependency, Handling, Location
from extractor.plan import build_plan
from tests.extractor.projects import analysed_copy


def test_a_model_re_exported_by_its_package_init_is_a_remote_model(tmp_path: Path):
    # crm/models/__init__.py: "from .customer import Customer" (pretalx lays out every app so).
    root = analysed_copy("models_package", tmp_path / "monolith")
    plan = build_plan(build_graph(root, use_cache=False), root, ["ledger"])
    assert CrossDependency(Location("ledger/views.py", 3), "crm.models.Customer",
                           Handling.REMOTE_MODEL, "crm.Customer") in plan.record.dependencies
    assert [(m.module, [(n.name, n.target) for n in m.names])
            for m in plan.record.mirrors] == [  # the package and the module the key points into
        ("crm.models", [("Customer", "crm.Customer")]),
        ("crm.models.customer", [("Customer", "crm.Customer")])]
