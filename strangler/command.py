"""``decompose route`` (move traffic, print the config diff) and ``decompose proxy`` (render,
validate, replace the proxy config)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import click

from decompose.errors import ConfigError, DecomposeError
from decompose.model import GRAPH_SCHEMA_VERSION, ProjectGraph, upgrade_graph
from decompose.model.routing import (
    DEFAULT_GATEWAY,
    DEFAULT_LISTEN,
    ProxySettings,
    RoutingState,
    Stage,
)
from decompose.paths import default_graph, extraction_record
from decompose.serialize import read_json
from strangler import state as routing
from strangler.backends import backends, get_backend
from strangler.extraction import load_record, served_routes
from strangler.live import (
    Applied,
    LiveStatus,
    ReloadFailed,
    fetch_status,
    read_applied,
    status_url,
    write_applied,
)
from strangler.plan import build_plan
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
    return read_json(path, ProjectGraph, schema_version=GRAPH_SCHEMA_VERSION,
                     upgrade=upgrade_graph)


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
@click.option("--status", is_flag=True, help="Show the saved routing state beside what the "
                                             "running proxy serves (the default action).")
@click.option("--list", "list_", is_flag=True, help="List the URL paths each service owns.")
@click.pass_context
def route(ctx: click.Context, service: str | None, project: Path, graph: Path | None,
          apps: str | None, upstream: str | None, monolith: str | None, shadow: bool,
          sample: int | None, percent: int | None, full: bool, rollback: bool, status: bool,
          list_: bool) -> None:
    """Move SERVICE's share of traffic; every change prints the decompose.toml diff it makes.

    Without a move (or --apps/--upstream/--monolith) it only shows the state: saved and live.
    """
    loaded = routing.load_state(project)
    if list_:
        _print_ownership(project, loaded.state, _graph(project, graph))
        return
    moves = [m for m, on in (("--shadow", shadow), ("--percent", percent is not None),
                              ("--full", full), ("--rollback", rollback)) if on]
    if len(moves) > 1:
        raise click.UsageError(f"choose one of {', '.join(moves)}")
    settings = apps or upstream or monolith
    if status and (moves or settings):
        raise click.UsageError("--status only shows the state; drop it to change the state")
    if not (moves or settings):
        if sample is not None:
            raise click.UsageError("--sample goes with --shadow")
        show_status(project, loaded.state, only=service)
        return
    if service is None:
        raise click.UsageError("name the SERVICE to route")
    labels = tuple(a.strip() for a in (apps or "").split(",") if a.strip())
    needs_labels = not labels and loaded.state.service(service) is None
    moves_writes = full or (percent or 0) > 0
    record = load_record(project, service) if needs_labels or moves_writes else None
    if needs_labels:
        labels = record.apps if record is not None else ()
    state = routing.ensure_service(loaded.state, service, upstream=upstream, apps=labels)
    if monolith:
        state = dataclasses.replace(state, monolith=monolith)
    if moves_writes and record is not None and record.unwired_receivers:
        # writes would lose their side effects
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
        target = "" if state.proxy.target else f" --target {'|'.join(backends())}"
        click.echo(f"apply it: decompose proxy{target} --project {project} --reload")


def show_status(project: Path, state: RoutingState, only: str | None = None) -> None:
    """The saved state, and beside it what the running proxy answers on its status location."""
    trusted = ", ".join(state.overrides.trusted_networks)
    overrides = f"on, from {trusted}" if state.overrides.enabled else "off"
    exchange = (f"on (at the gateway; reused {state.auth_cache_seconds} s)"
                if state.auth_exchange else "off")
    click.echo(f"monolith   {state.monolith}\noverrides  {overrides}\n"
               f"credential exchange  {exchange}")
    shown = [s for s in state.services if only in (None, s.name)]
    if only and not shown:
        raise DecomposeError(f"service {only!r} is not routed yet")
    live = _live(project, state)
    if not shown:
        click.echo("no service routed yet: decompose route SERVICE --shadow")
    for s in shown:
        saved = _share(s.stage, s.weight, s.shadow_sample)
        click.echo(f"\n{s.name}  upstream {s.upstream}   apps {', '.join(s.apps)}")
        click.echo(f"  saved  {saved}")
        if isinstance(live, LiveStatus):
            served = live.services.get(s.name)
            text = (_share(served.stage, served.weight, s.shadow_sample) if served
                    else "not routed by the running config")
            differs = served is None or (served.stage, served.weight) != (s.stage, s.weight)
            click.echo(f"  live   {text}" + ("   <- differs: decompose proxy --reload"
                                              if differs else ""))
        for h in s.history[-5:]:
            click.echo(f"  {h.at.isoformat().replace('+00:00', 'Z')}  "
                       f"{_share(h.stage, h.weight, h.shadow_sample)}")


def _live(project: Path, state: RoutingState) -> LiveStatus | None:
    """Print where the proxy is and what it answered; the answer when there is one."""
    settings = state.proxy
    if settings.target is None:
        click.echo("proxy      none applied yet: decompose proxy --target TARGET --reload")
        return None
    folder = _proxy_folder(project, settings.out)
    click.echo(f"proxy      {settings.target}, files in {folder}")
    applied = read_applied(folder)
    if applied is not None and not applied.ok:
        click.echo(f"           NOT APPLIED: the reload at {_moment(applied.at)} failed: "
                   f"{applied.error}")
    if not get_backend(settings.target).listens:
        return None
    url = status_url(settings.listen, tls=settings.tls)
    try:
        live = fetch_status(url)
    except (OSError, ValueError) as exc:
        click.echo(f"live       no answer at {url} ({getattr(exc, 'reason', exc)})")
        return None
    click.echo(f"live       config {live.config} ({url})")
    return live


def _moment(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


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


def _proxy_folder(project: Path, out: str | None) -> Path:
    return (project / (out or DEFAULT_PROXY_DIR)).resolve()


def _pem(path: Path | None, marker: str, option: str) -> str | None:
    """A TLS file given on the command line, checked before any proxy sees it."""
    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise ConfigError(f"{option}: cannot read it ({exc.strerror})", path=path) from None
    if marker not in text:
        raise ConfigError(f"{option}: not a PEM file with a {marker.lower()} "
                          f"(-----BEGIN ...{marker}-----)", path=path)
    return str(path.resolve())


@click.command()
@click.option("--target", type=click.Choice(sorted(backends())),
              help="The proxy [default: the one saved in decompose.toml].")
@project_option
@graph_option
@click.option("--listen", help="PORT or HOST:PORT the proxy listens on (nginx and haproxy) "
                               f"[default: the saved one, else {DEFAULT_LISTEN}].")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder [default: the saved one, else PROJECT/proxy].")
@click.option("--tls-cert", type=click.Path(dir_okay=False, path_type=Path),
              help="PEM certificate (chain): terminate TLS at the proxy (nginx, haproxy).")
@click.option("--tls-key", type=click.Path(dir_okay=False, path_type=Path),
              help="PEM private key for --tls-cert (HAProxy: the same file, or CERT.key).")
@click.option("--no-tls", is_flag=True, help="Stop terminating TLS (forget the saved files).")
@click.option("--gateway", "gateways", multiple=True, metavar="[NAMESPACE/]NAME",
              help="Gateway the routes attach to (Gateway API parentRef, Istio gateways); "
                   f"repeatable [default: the saved ones, else {DEFAULT_GATEWAY}].")
@click.option("--host", "hosts", multiple=True,
              help="Host name the routes serve (Istio hosts, Gateway API hostnames); "
                   "repeatable [default: the saved ones, else every host].")
@click.option("--reload", "reload_", is_flag=True,
              help="Reload the running proxy (nginx, haproxy), then verify it serves the new "
                   "config; a failed reload is an error and marks the state unapplied.")
@click.pass_context
def proxy(ctx: click.Context, target: str | None, project: Path, graph: Path | None,
          listen: str | None, out: Path | None, tls_cert: Path | None, tls_key: Path | None,
          no_tls: bool, gateways: tuple[str, ...], hosts: tuple[str, ...],
          reload_: bool) -> None:
    """Render the proxy config for the routing state, validate it, then replace the old one.

    Flags given are saved in decompose.toml ([routing.proxy]), so the next run renders the
    same config without them.
    """
    loaded = routing.load_state(project)
    state = loaded.state
    settings = _settings(state.proxy, target=target, project=project, listen=listen, out=out,
                         tls=(_pem(tls_cert, "CERTIFICATE", "--tls-cert"),
                              _pem(tls_key, "PRIVATE KEY", "--tls-key")),
                         no_tls=no_tls, gateways=gateways, hosts=hosts)
    if settings.target is None:
        raise click.UsageError("choose a --target (it is saved for the next runs)")
    state = dataclasses.replace(state, proxy=settings)
    folder = _proxy_folder(project, settings.out)
    backend = get_backend(settings.target)
    ignored = ([f"--listen is not used by the {settings.target} target: the Gateway's "
                "listeners choose the port"] if listen is not None and not backend.listens
               else [])
    plan = build_plan(state, _graph(project, graph).urls, runtime_dir=str(folder),
                      served=served_routes(project, (s.name for s in state.services)))
    result = publish(backend, plan, folder)
    # Saved only once the proxy's validator accepted them: refused flags are not remembered.
    click.echo(routing.save_state(project, loaded, state).diff, nl=False)
    for warning in (*ignored, *plan.warnings, *result.warnings):
        click.echo(f"warning: {warning}", err=True)
    for diff in result.diffs:
        click.echo(diff, nl=False)
    if not result.written:
        click.echo(f"{folder}: up to date")
    if not reload_:
        for note in backend.apply_live(plan, folder):
            click.echo(note)
        return
    at = _clock(ctx)()
    try:
        notes = backend.reload(plan, folder, result)
    except ReloadFailed as exc:
        write_applied(folder, Applied(settings.target, result.config_hash, at, False, str(exc)))
        raise
    write_applied(folder, Applied(settings.target, result.config_hash, at, True))
    for note in notes:
        click.echo(note)


def _settings(saved: ProxySettings, *, target: str | None, project: Path, listen: str | None,
              out: Path | None, tls: tuple[str | None, str | None], no_tls: bool,
              gateways: tuple[str, ...], hosts: tuple[str, ...]) -> ProxySettings:
    """The saved proxy settings with the flags given on top."""
    certificate, key = tls
    if (certificate is None) != (key is None) and not (saved.tls_certificate and saved.tls_key):
        raise click.UsageError("give --tls-cert and --tls-key together")
    if no_tls and (certificate or key):
        raise click.UsageError("--no-tls and --tls-cert/--tls-key exclude each other")
    folder = None
    if out is not None:
        folder = str(out) if out.is_absolute() else os.path.relpath(out.resolve(),
                                                                    project.resolve())
    return ProxySettings(
        target=target or saved.target,
        out=folder or saved.out,
        listen=listen or saved.listen,
        tls_certificate=None if no_tls else certificate or saved.tls_certificate,
        tls_key=None if no_tls else key or saved.tls_key,
        gateways=gateways or saved.gateways,
        hosts=hosts or saved.hosts,
    )
