"""``decompose analyze``: the click command around the analyze pipeline.

Console output goes through rich: a transient progress bar on stderr (only on a terminal, only
once a run has taken over a second) and a short summary table on stdout.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

import analyzer
import decompose
from analyzer.environment import find_environment, markers
from analyzer.pipeline import Progress as ProgressCallback
from analyzer.pipeline import read_project, snapshot_file
from analyzer.report.formats import REPORT_FORMATS, parse_formats
from analyzer.reuse import inputs_digest, record_file, remember, reusable
from decompose import replay
from decompose.config import (
    CONFIG_FILE,
    ConfigSource,
    boundary_settings,
    installed_apps,
    load_config,
)
from decompose.model import Boundaries, ProjectGraph
from decompose.paths import REPORT_DIR, cache_home

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

PROGRESS_AFTER_SECONDS = 1.0
# Environments found by asking a tool (its own configuration decides): never replayed.
_ASKED = frozenset({"poetry", "pipenv"})


@click.command()
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option("--settings", "settings", metavar="MODULE",
              help="Settings module (default: the one manage.py/wsgi.py/asgi.py names).")
@click.option("--python", "python", type=click.Path(path_type=Path, dir_okay=False),
              help="Interpreter of the project's environment; its installed packages are read "
                   "(only its sys.path is asked for). Default: $VIRTUAL_ENV, .venv/ or venv/ "
                   "at PATH, the Poetry/Pipenv environment, else decompose's own.")
@click.option("--out", "out", type=click.Path(path_type=Path, file_okay=False),
              help="Folder for graph.json, boundaries.json and the reports "
                   f"[default: PATH/{REPORT_DIR}, where extract and route look].")
@click.option("--format", "formats", default="all", show_default=True, metavar="LIST",
              callback=lambda ctx, param, value: parse_formats(value),
              help=f"Comma-separated outputs: {', '.join(REPORT_FORMATS)} (or all). "
                   "svg needs Graphviz's dot on PATH.")
@click.option("--services", type=click.IntRange(min=1),
              help="Number of business services to propose (the shared kernel comes on top).")
@click.option("--keep-together", multiple=True, metavar="APP,APP",
              help="Apps that must share a service (repeatable).")
@click.option("--keep-apart", multiple=True, metavar="APP,APP",
              help="Apps that must not share a service (repeatable).")
@click.option("--boundaries", "boundaries_file",
              type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Score this hand-edited boundaries.json (or a TOML services table) instead "
                   "of proposing one.")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False),
              help="Cache folder: per-file facts, the graph snapshot, the record that lets an "
                   "unchanged project reuse its reports (default ~/.cache/decompose; safe to "
                   "delete).")
@click.option("--no-cache", is_flag=True,
              help="Neither read nor write the cache: everything is recomputed.")
@click.option("--jobs", type=click.IntRange(min=1),
              help="Processes for a cold parse, this one included (default: one per CPU).")
def analyze(path: Path, settings: str | None, python: Path | None, out: Path | None,
            formats: frozenset[str],
            services: int | None, keep_together: tuple[str, ...], keep_apart: tuple[str, ...],
            boundaries_file: Path | None, cache_dir: Path | None, no_cache: bool,
            jobs: int | None) -> None:
    """Read the Django project at PATH statically, propose service boundaries, write reports.

    The project's code is never imported or run. Writes OUT/graph.json, boundaries.json,
    report.html, report.md, apps.dot/.svg and one model graph per service.
    """
    stderr = Console(stderr=True)
    out = out or path / REPORT_DIR
    watched = replay.stats([path / CONFIG_FILE, *markers(path, python),
                            *([boundaries_file] if boundaries_file else [])])
    source = load_config(Path(path))
    directory = None if no_cache else (cache_dir or cache_home())
    environment = find_environment(path.resolve(), python, directory)
    watched += replay.stats(environment.site_paths)
    apps = installed_apps(source)
    with _LazyProgress(stderr) as progress:
        graph, taken = read_project(path, settings, site_paths=environment.site_paths,
                                    installed_apps=apps, cache_dir=cache_dir,
                                    use_cache=not no_cache, jobs=jobs, progress=progress)
    snapshot = snapshot_file(path, settings, environment.site_paths, apps, directory)[1]
    record = record_file(snapshot, out)
    digest = inputs_digest(snapshot, [
        source.table, services, keep_together, keep_apart, sorted(formats), str(out.resolve()),
        boundaries_file.read_text(encoding="utf-8") if boundaries_file else None])
    proposal = reusable(record, digest, out)
    if proposal is None:  # else nothing the proposal and reports depend on changed
        boundaries, rendering = _propose_and_write(graph, source, out, formats, services,
                                                   keep_together, keep_apart, boundaries_file)
        proposal = proposal_summary(boundaries, rendering)
        remember(record, digest, out, proposal)
    with stderr.capture() as warned:
        for warning in (*map(str, graph.warnings), *proposal["warnings"]):
            stderr.print(f"[yellow]{escape(warning)}[/]", highlight=False, soft_wrap=True)
    console = Console()
    with console.capture() as shown:
        console.print(summary_table(graph, proposal, environment.origin))
        console.print(f"wrote {out}/ ({', '.join(sorted(formats))})", highlight=False)
    sys.stderr.write(warned.get())
    sys.stdout.write(shown.get())
    argv = click.get_current_context().find_root().obj
    if isinstance(argv, list) and taken is not None and environment.origin not in _ASKED:
        watched += [*taken.folders, *taken.signature]
        watched += replay.stats([out, *replay.files_under(out), *replay.files_under(
            Path(analyzer.__file__).parent, Path(decompose.__file__).parent)])
        replay.remember(argv, watched, shown.get(), warned.get())


def proposal_summary(boundaries: Boundaries, rendering: list[str]) -> dict:
    """What the summary shows of the proposal, as plain data a warm run can reuse."""
    per_app = boundaries.baselines["per-app"]
    return {"services": sum(1 for s in boundaries.services if not s.kernel),
            "split": boundaries.decision is None or boundaries.decision.split,
            "kernel": list(boundaries.shared_kernel),
            "business_fks": [boundaries.metrics.business_fks, per_app.business_fks],
            "transactions": [boundaries.metrics.distributed_transactions,
                             per_app.distributed_transactions],
            "warnings": rendering}


def _propose_and_write(graph: ProjectGraph, source: ConfigSource, out: Path,
                       formats: frozenset[str], services: int | None,
                       keep_together: tuple[str, ...], keep_apart: tuple[str, ...],
                       boundaries_file: Path | None) -> tuple[Boundaries, list[str]]:
    """The proposal (or the rescored hand-made one) and every report; imported here, since
    a warm run that reuses them never needs the boundaries and report stages."""
    from analyzer.boundaries import load_assignment, propose, rescore
    from analyzer.outputs import write_outputs

    config = boundary_settings(source, services=services,
                               keep_together=keep_together, keep_apart=keep_apart)
    boundaries = (rescore(graph, load_assignment(boundaries_file), config) if boundaries_file
                  else propose(graph, config))
    return boundaries, [str(w) for w in write_outputs(out, graph, boundaries, formats)]


def summary_table(graph: ProjectGraph, proposal: dict, environment: str) -> Table:
    own = graph.own_apps
    table = Table(title=f"decompose analyze: {graph.settings_module}", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("installed packages read from", environment)
    table.add_row("apps (own / external)", f"{len(own)} / {len(graph.apps) - len(own)}")
    concrete = sum(1 for m in graph.models if not m.abstract)
    table.add_row("models (concrete / abstract)", f"{concrete} / {len(graph.models) - concrete}")
    table.add_row("relations", str(sum(len(m.relations) for m in graph.models)))
    by_kind: Counter[str] = Counter()
    for dep in graph.dependencies:
        by_kind[dep.kind.value] += dep.weight
    for kind, count in sorted(by_kind.items()):
        table.add_row(f"cross-app dependencies: {kind}", str(count))
    table.add_row("URL routes", str(len(graph.urls)))
    table.add_row("multi-app write scopes", str(len(graph.write_scopes)))
    kernel = ", ".join(proposal["kernel"]) or "none"
    table.add_row("proposed services" if proposal["split"] else "proposed: do not split yet",
                  f"{proposal['services']} + shared kernel ({kernel})")
    for label, key in (("business FKs cut (per-app baseline)", "business_fks"),
                       ("distributed transactions (per-app)", "transactions")):
        table.add_row(label, "{} ({})".format(*proposal[key]))
    missing = sum(1 for w in graph.warnings if w.code == "package-not-installed")
    if missing:
        table.add_row("classes and fields from packages not installed", str(missing))
    table.add_row("warnings", str(len(graph.warnings) + len(proposal["warnings"])))
    return table


class _LazyProgress:
    """A progress bar that only appears on a terminal once a run has lasted a second."""

    def __init__(self, console: Console):
        self.console = console
        self.started = time.monotonic()
        self.bar: Progress | None = None  # rich.progress: imported once a bar is shown
        self.task: TaskID | None = None

    def __enter__(self) -> ProgressCallback:
        return self.update

    def update(self, done: int, total: int) -> None:
        if self.bar is None:
            if not (self.console.is_terminal and sys.stderr.isatty()) or (
                    time.monotonic() - self.started < PROGRESS_AFTER_SECONDS):
                return
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(TextColumn("reading source"), BarColumn(),
                                MofNCompleteColumn(), console=self.console, transient=True)
            self.bar.start()
            self.task = self.bar.add_task("read", total=total)
        if self.task is not None:
            self.bar.update(self.task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
