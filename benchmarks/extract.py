"""Benchmark ``decompose extract``: where the time of one extraction goes.

Per app of the sample monolith: the median seconds of planning (static reads of the source),
of running the codemods over the moved files (libcst), and of the drf-spectacular subprocess
that writes ``openapi.yaml`` (it boots the generated service), each in this process after the
imports, plus the CPU seconds of the imports themselves.

    python benchmarks/extract.py                # orders and reviews, 3 runs
    python benchmarks/extract.py --apps orders --runs 5
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

started = time.process_time()
from analyzer.pipeline import build_graph  # noqa: E402
from extractor.openapi import generate_openapi  # noqa: E402
from extractor.plan import build_plan  # noqa: E402
from extractor.service_env import service_python  # noqa: E402
from extractor.writer import run_codemods, write_service  # noqa: E402

IMPORTS = time.process_time() - started


def timed(action, *args):
    start = time.perf_counter()
    result = action(*args)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", default="orders,reviews")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"imports (CPU): {IMPORTS:.2f} s")
    with tempfile.TemporaryDirectory() as scratch:
        shop = Path(scratch) / "shop"
        shutil.copytree(ROOT / "sample_monolith", shop,
                        ignore=shutil.ignore_patterns("__pycache__", "db.sqlite3"))
        graph = build_graph(shop)
        for app in args.apps.split(","):
            plans, codemods, schemas = [], [], []
            for run in range(args.runs):
                seconds, plan = timed(build_plan, graph, shop, [app])
                plans.append(seconds)
                seconds, extraction = timed(run_codemods, plan, shop)
                codemods.append(seconds)
                out = Path(scratch) / f"{app}-{run}"
                write_service(plan, extraction, shop, out)
                python = service_python(out, plan.environment, version=plan.python.version)
                seconds, _ = timed(generate_openapi, out, python)
                schemas.append(seconds)
            print(f"{app}: plan {statistics.median(plans):.2f} s, codemods "
                  f"{statistics.median(codemods):.2f} s, drf-spectacular subprocess "
                  f"{statistics.median(schemas):.2f} s (median of {args.runs})")


if __name__ == "__main__":
    main()
