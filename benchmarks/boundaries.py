"""Print the proposal's metrics against the baselines for each project given (default: the
sample), so the README's "proposal vs baselines" figures can be regenerated.

    .venv/bin/python benchmarks/boundaries.py [PROJECT_DIR ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

from analyzer.boundaries import propose
from analyzer.pipeline import build_graph
from decompose.config import boundary_settings, load_config
from decompose.model.boundaries import Metrics

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = ("services", "modularity", "sm", "icp", "ifn", "ned", "cross_service_fks",
           "kernel_fks", "cross_service_fks_per_service", "distributed_transactions")


def row(name: str, metrics: Metrics) -> str:
    return "| " + " | ".join([name, *(str(getattr(metrics, c)) for c in COLUMNS)]) + " |"


def main(paths: list[str]) -> None:
    for path in paths or [str(ROOT / "sample_monolith")]:
        project = Path(path)
        graph = build_graph(project, use_cache=False)
        result = propose(graph, boundary_settings(load_config(project)))
        print(f"\n## {project.name}: {result.method}; kernel {', '.join(result.shared_kernel)}")
        for service in result.services:
            print(f"- {service.name}{' (kernel)' if service.kernel else ''}: "
                  f"{', '.join(service.apps)}")
        print("\n| decomposition | " + " | ".join(COLUMNS) + " |")
        print("|" + "---|" * (len(COLUMNS) + 1))
        print(row("proposal", result.metrics))
        for name, metrics in result.baselines.items():
            print(row(name, metrics))


if __name__ == "__main__":
    main(sys.argv[1:])
