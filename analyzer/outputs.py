"""Put every artifact of one ``analyze`` run into the output folder, or none of them.

Files are rendered into a staging folder beside ``--out`` first; only when all of them exist
are they renamed into place, one atomic rename each. Artifacts an earlier run wrote that this
run no longer produces (the graph of a service that is gone) are removed, and nothing else in
the folder is touched.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from analyzer.report import render_reports
from decompose.model import Boundaries, Diagnostic, ProjectGraph
from decompose.paths import BOUNDARIES_FILE, GRAPH_FILE
from decompose.serialize import write_json_atomic

_OURS = re.compile(r"^(graph\.json|boundaries\.json|report\.(html|md)|apps\.(dot|svg)"
                   r"|service-.+\.(dot|svg))$")


def write_outputs(out: Path, graph: ProjectGraph, boundaries: Boundaries,
                  formats: frozenset[str]) -> tuple[Diagnostic, ...]:
    """Write the selected artifacts into ``out``; returns the warnings of rendering."""
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        if "json" in formats:
            write_json_atomic(staging / GRAPH_FILE, graph)
            write_json_atomic(staging / BOUNDARIES_FILE, boundaries)
        diagnostics = render_reports(graph, boundaries, staging, formats)
        written = {p.name for p in staging.iterdir()}
        for stale in out.iterdir():
            if stale.is_file() and _OURS.match(stale.name) and stale.name not in written:
                stale.unlink()
        for name in sorted(written):
            (staging / name).replace(out / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return diagnostics
