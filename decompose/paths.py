"""Where one stage writes what the next one reads: the file and folder names the stages share.

``analyze`` writes ``PROJECT/decompose-report/graph.json``; ``extract`` reads it and writes
``PROJECT/../services/NAME/`` with ``extraction.json``; ``route`` reads that record back. Each
name is spelled once, here, so a stage cannot look for an artifact where the other never wrote it.
"""

from __future__ import annotations

import os
from pathlib import Path

REPORT_DIR = "decompose-report"  # analyze's default output folder, inside the project
GRAPH_FILE = "graph.json"
BOUNDARIES_FILE = "boundaries.json"
SERVICES_DIR = "services"  # beside the monolith folder, one folder per extracted service
EXTRACTION_FILE = "extraction.json"  # the extraction record, in the service folder
PATCH_FILE = "monolith.patch"  # the monolith's side of an extraction, in the service folder
# In a service: the package mirroring the monolith's modules (``monolith.catalog.models``).
MIRROR_PACKAGE = "monolith"


def default_graph(project: Path) -> Path:
    """``PROJECT/decompose-report/graph.json``, where ``analyze`` writes it by default."""
    return project / REPORT_DIR / GRAPH_FILE


def service_dir(project: Path, service: str) -> Path:
    """``services/<name>/`` as a sibling of the monolith folder (never inside it)."""
    return project.resolve().parent / SERVICES_DIR / service


def extraction_record(project: Path, service: str) -> Path:
    """Where ``extract`` left the record of ``service``'s extraction."""
    return service_dir(project, service) / EXTRACTION_FILE


def cache_home() -> Path:
    """``$XDG_CACHE_HOME/decompose`` (``~/.cache/decompose``), where every stage keeps what it
    can rebuild (analyze's facts and graph snapshots, extract's service environments)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "decompose"
