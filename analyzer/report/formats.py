"""The artifact families ``decompose analyze --format`` can select."""

from __future__ import annotations

from decompose.errors import DecomposeError

# json: graph.json + boundaries.json (written by the analyze command itself);
# html: report.html; md: report.md; dot: apps.dot + service-<name>.dot;
# svg: apps.svg + service-<name>.svg (needs Graphviz's ``dot`` on PATH).
REPORT_FORMATS: tuple[str, ...] = ("json", "html", "md", "dot", "svg")
DEFAULT_FORMATS: frozenset[str] = frozenset(REPORT_FORMATS)


def parse_formats(text: str) -> frozenset[str]:
    """Read a comma-separated ``--format`` value ("html,md"; "all" means every format)."""
    names = {part.strip().lower() for part in text.split(",") if part.strip()}
    if "all" in names:
        return DEFAULT_FORMATS
    unknown = sorted(names - DEFAULT_FORMATS)
    if unknown or not names:
        got = ", ".join(unknown) if unknown else "nothing"
        raise DecomposeError(f"--format: unknown format {got} (choose from "
                             f"{', '.join(REPORT_FORMATS)} or all)")
    return frozenset(names)
