"""``decompose analyze``: the click command around the analyze pipeline.

Console output goes through rich: a transient progress bar on stderr (only on a terminal, only
once a run has taken over a second) and a short summary table on stdout.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from analyzer.pipeline import GRAPH_FILE, run_analysis
from analyzer.pipeline import Progress as ProgressCallback
from decompose.model import ProjectGraph

PROGRESS_AFTER_SECONDS = 1.0


@click.command()
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option("--settings", "settings", metavar="MODULE",
              help="Settings module (default: the one manage.py/wsgi.py/asgi.py names).")
@click.option("--out", "out", type=click.Path(path_type=Path, file_okay=False),
              default=Path("decompose-report"), show_default=True,
              help="Folder for graph.json (and the reports).")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False),
              help="Parse cache folder (default ~/.cache/decompose; safe to delete).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the parse cache.")
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes for a cold parse.")
def analyze(path: Path, settings: str | None, out: Path, cache_dir: Path | None,
            no_cache: bool, jobs: int | None) -> None:
    """Read the Django project at PATH statically and write OUT/graph.json."""
    stderr = Console(stderr=True)
    with _LazyProgress(stderr) as progress:
        graph = run_analysis(path, settings, out, cache_dir=cache_dir, use_cache=not no_cache,
                             jobs=jobs, progress=progress)
    console = Console()
    for warning in graph.warnings:
        stderr.print(f"[yellow]{warning}[/]", highlight=False, markup=True, soft_wrap=True)
    console.print(summary_table(graph))
    console.print(f"wrote {Path(out) / GRAPH_FILE}", highlight=False)


def summary_table(graph: ProjectGraph) -> Table:
    own = graph.own_apps
    table = Table(title=f"decompose analyze: {graph.settings_module}", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("apps (own / external)", f"{len(own)} / {len(graph.apps) - len(own)}")
    concrete = sum(1 for m in graph.models if not m.abstract)
    table.add_row("models (concrete / abstract)", f"{concrete} / {len(graph.models) - concrete}")
    table.add_row("relations", str(sum(len(m.relations) for m in graph.models)))
    by_kind = Counter()
    for dep in graph.dependencies:
        by_kind[dep.kind.value] += dep.weight
    for kind, count in sorted(by_kind.items()):
        table.add_row(f"cross-app dependencies: {kind}", str(count))
    table.add_row("URL routes", str(len(graph.urls)))
    table.add_row("multi-app write scopes", str(len(graph.write_scopes)))
    table.add_row("warnings", str(len(graph.warnings)))
    return table


class _LazyProgress:
    """A progress bar that only appears on a terminal once a run has lasted a second."""

    def __init__(self, console: Console):
        self.console = console
        self.started = time.monotonic()
        self.bar: Progress | None = None
        self.task = None

    def __enter__(self) -> ProgressCallback:
        return self.update

    def update(self, done: int, total: int) -> None:
        if self.bar is None:
            if not (self.console.is_terminal and sys.stderr.isatty()) or (
                    time.monotonic() - self.started < PROGRESS_AFTER_SECONDS):
                return
            self.bar = Progress(TextColumn("reading source"), BarColumn(),
                                MofNCompleteColumn(), console=self.console, transient=True)
            self.bar.start()
            self.task = self.bar.add_task("read", total=total)
        self.bar.update(self.task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
