"""The extractor's record of a service (``extraction.json``): the apps that moved and the URL
prefixes the service really serves.

``decompose extract`` writes it to ``services/<name>/`` beside the monolith folder; routing reads
it so the proxy sends the service only what the service mounts, never more.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from decompose.model import EXTRACTION_SCHEMA_VERSION, ExtractionPlan
from decompose.paths import extraction_record
from decompose.serialize import read_json
from strangler.routes import Served


def load_record(project: Path, service: str) -> ExtractionPlan | None:
    """The service's extraction plan, or None when it was not extracted (routed by --apps)."""
    path = extraction_record(project, service)
    if not path.is_file():
        return None
    return read_json(path, ExtractionPlan, schema_version=EXTRACTION_SCHEMA_VERSION)


def served_routes(project: Path, services: Iterable[str]) -> dict[str, Served]:
    """Service name -> what its record says it serves and keeps, for services that have one."""
    found = {}
    for name in services:
        record = load_record(project, name)
        if record is not None:
            found[name] = Served(record.routes,
                                 tuple((k.prefix, k.reason) for k in record.kept_routes),
                                 record.children_only_routes)
    return found
