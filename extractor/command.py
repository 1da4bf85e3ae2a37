"""``decompose extract``: move apps into a standalone service, and prepare the monolith's side.

Reads the analyzer's ``graph.json`` (stages talk through artifacts) and the monolith's source;
writes ``services/<name>/`` beside the monolith folder, or prints the plan with ``--dry-run``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from decompose.errors import DecomposeError
from decompose.model import (
    GRAPH_SCHEMA_VERSION,
    ExtractionPlan,
    Level,
    ProjectGraph,
    upgrade_graph,
)
from decompose.paths import PATCH_FILE, default_graph, service_dir
from decompose.serialize import read_json
from extractor.monolith_patch import apply_changes
from extractor.plan import build_plan
from extractor.plan.imports import CARRIED, EMPTY_PACKAGE
from extractor.requirements_files import stale_locks
from extractor.spec import ServiceSpec
from extractor.writer import REPORT_FILE, run_codemods, write_service


@click.command()
@click.argument("apps", nargs=-1, required=True)
@click.option("--project", type=click.Path(file_okay=False, resolve_path=True, path_type=Path),
              default=Path(), show_default=True, help="The monolith's root folder.")
@click.option("--graph", type=click.Path(dir_okay=False, path_type=Path),
              help="graph.json from `decompose analyze` "
                   "[default: PROJECT/decompose-report/graph.json].")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Service folder [default: services/NAME/ next to the monolith folder, "
                   "i.e. PROJECT/../services/NAME].")
@click.option("--name", help="Service name, a DNS label [default: the app labels joined by -].")
@click.option("--dry-run", is_flag=True, help="Print the plan; write nothing.")
@click.option("--force", is_flag=True, help="Replace a non-empty output folder.")
@click.option("--apply", "apply_patch", is_flag=True,
              help="Also apply monolith.patch to the monolith (refused if it changed since; "
                   "not with --dry-run).")
@click.option("--routes", "served", multiple=True, metavar="PREFIX",
              help="A URL prefix the proxy sends to the service (/api/v1/invoices/); "
                   "repeat it. Replaces the prefixes read from the monolith's URLconfs.")
@click.option("--monolith-image", metavar="IMAGE", default=ServiceSpec.monolith_image,
              show_default=True,
              help="The monolith's container image: the monolith's events relay and consumer "
                   "in the service's compose.yaml and k8s/events.yaml run it.")
@click.option("--vendor-runtime", is_flag=True,
              help="Copy the decompose-runtime packages into the service and the monolith "
                   "instead of requiring them (for teams without a package index).")
@click.option("--schema-warnings", type=click.Choice(["refuse", "allow"]), default="refuse",
              show_default=True,
              help="What drf-spectacular's warnings on the moved code do (a view it cannot "
                   "document, a serializer method without a type): refuse the extraction, or "
                   "allow them, listed in EXTRACTION.md and on stderr, the service's schema "
                   "checks then run without --fail-on-warn.")
def extract(apps: tuple[str, ...], project: Path, graph: Path | None, out: Path | None,
            name: str | None, dry_run: bool, force: bool, apply_patch: bool,
            served: tuple[str, ...], monolith_image: str, vendor_runtime: bool,
            schema_warnings: str) -> None:
    """Move APPS into a standalone DRF service sharing the monolith's database.

    Writes the service (its dependencies at the monolith's pins, locked in uv.lock, its schema
    made in an environment built from that lock), EXTRACTION.md, extraction.json and
    monolith.patch (the bridge app the service calls); items that need a human decision are
    listed there and on stderr.
    """
    if dry_run and apply_patch:
        raise DecomposeError("--dry-run writes nothing and --apply changes the monolith: "
                             "pass one of them")
    for prefix in served:
        if not (prefix.startswith("/") and prefix.endswith("/")) or "<" in prefix:
            raise DecomposeError(f"--routes {prefix!r}: a prefix starts and ends with '/' and "
                                 "has no converter")
    graph_path = graph or default_graph(project)
    if not graph_path.is_file():
        raise DecomposeError("no graph.json: run `decompose analyze` first (or pass --graph)",
                             path=graph_path)
    loaded = read_json(graph_path, ProjectGraph, schema_version=GRAPH_SCHEMA_VERSION,
                       upgrade=upgrade_graph)
    plan = build_plan(loaded, project, apps, name, served)
    plan = dataclasses.replace(plan, spec=dataclasses.replace(plan.spec,
                                                              monolith_image=monolith_image))
    extraction = run_codemods(plan, project, vendor_runtime=vendor_runtime)
    record = extraction.record
    target = out or service_dir(project, record.service)
    if dry_run:
        click.echo(describe(record, target), nl=False)
        return
    written = write_service(plan, extraction, project, target, force=force,
                            vendor_runtime=vendor_runtime,
                            allow_schema_warnings=schema_warnings == "allow")
    click.echo(f"wrote {len(written.files)} files to {target}")
    for warning in written.schema_warnings:
        click.echo(f"warning: {warning} (allowed: see {REPORT_FILE})",
                   err=True)
    if apply_patch:
        apply_changes(project, extraction.changes)
        click.echo(f"applied {PATCH_FILE} to {project} ({len(extraction.changes)} files)")
        for lock, command in stale_locks(project, [c.path for c in extraction.changes]):
            click.echo(f"warning: {lock}: stale after the patch, run `{command}` (see "
                       f"{REPORT_FILE})", err=True)
    if record.errors:
        click.echo(f"{len(record.errors)} item(s) need a human decision: see "
                   f"{target / REPORT_FILE}", err=True)


def describe(record: ExtractionPlan, target: Path) -> str:
    """The plan as text: files, rewrites (path:line), dependencies and their handling."""
    lines = [f"service {record.service!r} from {', '.join(record.apps)} -> {target}",
             "routes: " + ", ".join(record.routes), "", "files to create:"]
    lines += [f"  {f.target}" + (f" ({f.kind} copy of {f.source})" if f.kind == "template"
                                  else f" ({f.kind} copy)" if f.kind in ("kernel", CARRIED)
                                  else " (stub: wires the task queue)" if f.kind == "stub"
                                  else " (empty package)" if f.kind == EMPTY_PACKAGE
                                  else "")
              for f in record.files]
    lines += ["  monolith/ mirrors: " + ", ".join(m.module for m in record.mirrors),
              "", "rewrites:"]
    lines += [f"  {r.location}: {r.level.upper() + ': ' if r.level != Level.INFO else ''}"
              f"[{r.codemod}] {r.message}" for r in record.rewrites]
    lines += ["", "cross-boundary dependencies:"]
    lines += [f"  {d.location}: {d.target} -> {d.handling}" + (f" ({d.note})" if d.note else "")
              for d in record.dependencies]
    lines += ["", "couplings the other way:"]
    lines += [f"  {c.location}: {c.app} -> {c.target_app} [{c.kind}] {c.note}"
              for c in record.inbound]
    lines += ["", "signals forwarded as events:"]
    lines += [f"  {s.signal}{' from ' + s.sender if s.sender else ''} -> {s.consumer}"
              + (f" (stand-in {s.stand_in})" if s.stand_in else "") + ": "
              + ", ".join(f"{r.name} ({r.location})" for r in s.receivers)
              for s in record.signals]
    if record.errors:
        lines += ["", f"needs a human decision ({len(record.errors)}):"]
        lines += [f"  {e}" for e in record.errors]
    return "\n".join(lines) + "\n"
