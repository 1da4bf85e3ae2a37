"""``decompose route`` (move traffic, print the config diff) and ``decompose proxy`` (render,
validate, replace the proxy config)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import click

from decompose.errors import DecomposeError
from decompose.model import GRAPH_SCHEMA_VERSION, ProjectGraph, RoutingState, Stage
from decompose.paths import default_graph, extraction_record
from decompose.serialize import read_json
from strangler import state as routing
from strangler.backends import backends, get_backend
from strangler.extraction import load_record, served_routes
from strangler.plan import DEFAULT_LISTEN, build_plan
from strangler.publish import publish
from strangler.routes import MONOLITH, compute_ownership

DEFAULT_PROXY_DIR = "proxy"


def utc_now() -> datetime:
    return datetime.now(UTC)


def _clock(ctx: click.Context) -> Callable[[], datetime]:
    """The clock: ``utc_now`` unless a caller (a test) put one in ``ctx.obj['clock']``."""
    obj = ctx.obj if isinstance(ctx.obj, dict) else {}
    return obj.get("clock", utc_now)


def _graph(project: Path, graph: Path | None) -> ProjectGraph:
    path = graph or default_graph(project)
    if not path.is_file():
        raise DecomposeError("no graph.json: run `decompose analyze` first (or pass --graph)",
                             path=path)
    return read_json(path, ProjectGraph, schema_version=GRAPH_SCHEMA_VERSION)


project_option = click.option("--project", type=click.Path(exists=True, file_okay=False,
                                                           path_type=Path),
                              default=Path(), show_default=True, help="The monolith.")
graph_option = click.option("--graph", type=click.Path(dir_okay=False, path_type=Path),
                            help="graph.json from `decompose analyze` "
                                 "[default: PROJECT/decompose-report/graph.json].")


@click.command()
@click.argument("service", required=False)
@project_option
@graph_option
@click.option("--apps", help="Comma-separated app labels the service holds (first use only; "
                             "read from the extraction record when omitted).")
@click.option("--upstream", help="The service's HOST:PORT [default: SERVICE:8000].")
@click.option("--monolith", help="The monolith's HOST:PORT [default: web:8000].")
@click.option("--shadow", is_flag=True, help="Mirror safe requests; the monolith answers all.")
@click.option("--sample", type=int, help="Percent of GET/HEAD mirrored in shadow [default: 100].")
@click.option("--percent", type=int, help="Send N% of clients to the service.")
@click.option("--full", is_flag=True, help="Send every client to the service.")
@click.option("--rollback", is_flag=True, help="Back to 0% at once.")
@click.option("--status", is_flag=True, help="Show the routing state.")
@click.option("--list", "list_", is_flag=True, help="List the URL paths each service owns.")
@click.pass_context
def route(ctx: click.Context, service: str | None, project: Path, graph: Path | None,
          apps: str | None, upstream: str | None, monolith: str | None, shadow: bool,
          sample: int | None, percent: int | None, full: bool, rollback: bool, status: bool,
          list_: bool) -> None:
    """Move SERVICE's share of traffic; every change prints the decompose.toml diff it makes."""
    loaded = routing.load_state(project)
    if list_:
        _print_ownership(project, loaded.state, _graph(project, graph))
        return
    moves = [m for m, on in (("--shadow", shadow), ("--percent", percent is not None),
                              ("--full", full), ("--rollback", rollback)) if on]
    if len(moves) > 1:
        raise click.UsageError(f"choose one of {', '.join(moves)}")
    if service is None:
        if moves or status:
            raise click.UsageError("name the SERVICE to route")
        _print_status(loaded.state)
        return
    if status and not moves:
        _print_status(loaded.state, only=service)
        return
    labels = tuple(a.strip() for a in (apps or "").split(",") if a.strip())
    if not labels and loaded.state.service(service) is None:
        record = load_record(project, service)
        labels = record.apps if record is not None else ()
    state = routing.ensure_service(loaded.state, service, upstream=upstream, apps=labels)
    if monolith:
        state = RoutingState(monolith, state.services, state.overrides, state.auth_exchange)
    record = load_record(project, service) if full or (percent or 0) > 0 else None
    if record is not None and record.unwired_receivers:  # writes would lose their side effects
        raise DecomposeError(f"{service}: signal receivers not forwarded yet, they would not run "
                             f"for its requests: {', '.join(map(str, record.unwired_receivers))}")
    at = _clock(ctx)()
    if shadow:
        state = routing.move(state, service, Stage.SHADOW, at, shadow_sample=sample)
    elif percent is not None:
        state = routing.move(state, service, Stage.PERCENT, at, percent=percent)
    elif full:
        state = routing.move(state, service, Stage.FULL, at)
    elif rollback:
        state = routing.move(state, service, Stage.OFF, at)
    written = routing.save_state(project, loaded, state)
    click.echo(written.diff or f"{written.path.name}: no change", nl=False)
    if written.diff:
        click.echo(f"apply it: decompose proxy --target {'|'.join(backends())} "
                   f"--project {project}")


def _print_status(state: RoutingState, only: str | None = None) -> None:
    trusted = ", ".join(state.overrides.trusted_networks)
    overrides = f"on, from {trusted}" if state.overrides.enabled else "off"
    exchange = "on (nginx auth_request)" if state.auth_exchange else "off"
    click.echo(f"monolith   {state.monolith}\noverrides  {overrides}\n"
               f"credential exchange  {exchange}")
    shown = [s for s in state.services if only in (None, s.name)]
    if only and not shown:
        raise DecomposeError(f"service {only!r} is not routed yet")
    if not shown:
        click.echo("no service routed yet: decompose route SERVICE --shadow")
    for s in shown:
        click.echo(f"\n{s.name}  {_share(s.stage, s.weight, s.shadow_sample)}")
        click.echo(f"  upstream {s.upstream}   apps {', '.join(s.apps)}")
        for h in s.history[-5:]:
            click.echo(f"  {h.at.isoformat().replace('+00:00', 'Z')}  "
                       f"{_share(h.stage, h.weight, h.shadow_sample)}")


def _share(stage: Stage, weight: int, sample: int) -> str:
    """A stage in words: what the clients see."""
    if stage is Stage.SHADOW:
        return f"shadow: monolith answers all, {sample}% of GET/HEAD mirrored"
    if stage is Stage.FULL:
        return "full: 100% of clients on the service"
    if stage is Stage.OFF:
        return "off: 0%, every client on the monolith"
    return f"percent: {weight}% of clients on the service"


def _print_ownership(project: Path, state: RoutingState, graph: ProjectGraph) -> None:
    served = served_routes(project, (s.name for s in state.services))
    ownership = compute_ownership(graph.urls, {s.name: s.apps for s in state.services},
                                  served=served)
    width = max((len(r.path) for r in ownership.rules), default=0)
    for owner in [*(s.name for s in state.services), MONOLITH]:
        if owner == MONOLITH:
            origin = "every other path; explicitly"
        elif owner in served:
            origin = f"paths from {extraction_record(project, owner)}"
        else:
            origin = "paths of its apps' URLconf (no extraction record)"
        click.echo(f"{owner} - {origin}:")
        for rule in ownership.for_owner(owner):
            source = f"  {rule.source}" if rule.source else ""
            click.echo(f"  {rule.kind:<6} {rule.path:<{width}}{source}".rstrip())
    for warning in ownership.warnings:
        click.echo(f"warning: {warning}", err=True)


@click.command()
@click.option("--target", type=click.Choice(sorted(backends())), required=True)
@project_option
@graph_option
@click.option("--listen", help=f"PORT or HOST:PORT the proxy listens on (nginx and haproxy; "
                               f"default {DEFAULT_LISTEN}).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder [default: PROJECT/proxy].")
def proxy(target: str, project: Path, graph: Path | None, listen: str | None,
          out: Path | None) -> None:
    """Render the proxy config for the routing state, validate it, then replace the old one."""
    state = routing.load_state(project).state
    folder = (out or project / DEFAULT_PROXY_DIR).resolve()
    backend = get_backend(target)
    ignored = ([f"--listen is not used by the {target} target: the Gateway's listeners choose "
                "the port"] if listen is not None and not backend.listens else [])
    plan = build_plan(state, _graph(project, graph).urls, listen=listen or str(DEFAULT_LISTEN),
                      runtime_dir=str(folder),
                      served=served_routes(project, (s.name for s in state.services)))
    result = publish(backend, plan, folder)
    for warning in (*ignored, *plan.warnings, *result.warnings):
        click.echo(f"warning: {warning}", err=True)
    for diff in result.diffs:
        click.echo(diff, nl=False)
    if not result.written:
        click.echo(f"{folder}: up to date")
    for note in backend.apply_live(plan, folder):
        click.echo(note)
