"""What the Kubernetes targets (Gateway API, Istio) share: route rules, rendering, their checks.

Both targets get the same ordered rule list from ``route_rules`` so they split, override and
mirror alike; each template only spells it in its own API. Validation is two steps: structural
checks here (always on: weights, names, paths, size limits the CRDs enforce with CEL, which the
schema validator does not run) and the published CRD schemas through ``k8s_schema/validate.mjs``.
"""

from __future__ import annotations

import ipaddress
import json
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from decompose.errors import DecomposeError, ToolMissing, ValidationFailed
from strangler.backends import TEMPLATES
from strangler.backends._tools import template_context
from strangler.plan import ROUTE_COOKIE, ROUTE_HEADER, ProxyPlan, ServicePlan, Upstream
from strangler.routes import MONOLITH, MatchKind, PathRule

SCHEMA_DIR = Path(__file__).resolve().parent / "k8s_schema"
SAFE_METHODS = ("GET", "HEAD")
# Envoy's HTTP ext_authz (Istio, Envoy Gateway) always sends Host, Method, Path and
# Content-Length (0, no body); these too: the credentials, and what the monolith's CSRF check of a
# session-authenticated write reads, so the bridge refuses exactly the writes the monolith would.
EXCHANGE_CHECK_HEADERS = ("authorization", "cookie", "x-csrftoken", "origin", "referer",
                          "x-forwarded-proto")
# The bridge's answer header copied to the request: not Authorization, which the monolith's side
# of the split still needs as the client sent it (the check runs before the split is decided).
EXCHANGE_TOKEN_HEADER = "x-decompose-token"
_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def yaml_str(value: object) -> str:
    """A double-quoted YAML scalar (JSON strings are valid YAML): regexes stay intact."""
    return json.dumps(str(value))


TEMPLATES.filters["yaml_str"] = yaml_str


@dataclass(frozen=True)
class ServiceRef:
    """A Kubernetes Service from an upstream: ``orders:8000`` or ``orders.shop.svc:8000``."""

    host: str  # as written; Istio takes it whole
    name: str
    namespace: str | None
    port: int

    @classmethod
    def of(cls, upstream: Upstream) -> ServiceRef:
        labels = upstream.host.split(".")
        if len(labels) == 2 or (len(labels) >= 3 and labels[2] == "svc"):
            return cls(upstream.host, labels[0], labels[1], upstream.port)
        # One label, or something that is no Service name at all (an IP): checked later.
        return cls(upstream.host, upstream.host, None, upstream.port)


@dataclass(frozen=True)
class GatewayRef:
    """A Gateway named ``[NAMESPACE/]NAME`` (``decompose proxy --gateway``)."""

    text: str  # as given; Istio takes it whole
    name: str
    namespace: str | None

    @classmethod
    def of(cls, text: str) -> GatewayRef:
        namespace, _, name = text.rpartition("/")
        return cls(text, name, namespace or None)


@dataclass(frozen=True)
class HeaderMatch:
    name: str
    value: str
    regex: bool = False


@dataclass(frozen=True)
class Match:
    """One request match: a path rule, optionally narrowed to a method and a header."""

    path: PathRule
    method: str | None = None
    header: HeaderMatch | None = None


@dataclass(frozen=True)
class Leg:
    """One weighted destination and the side it stands for (``X-Decompose-Backend``)."""

    side: str
    ref: ServiceRef
    weight: int


@dataclass(frozen=True)
class RouteRule:
    """One rule of the generated route; the list order is the precedence (see route_rules)."""

    name: str  # a DNS-1123 label: Istio route names, Gateway API rule comments
    comment: str
    matches: tuple[Match, ...]
    legs: tuple[Leg, ...]
    mirror: ServiceRef | None = None
    mirror_percent: int = 0


def full_match_regex(pattern: str) -> str:
    """A prefix regex (nginx/HAProxy search semantics) for engines that match the whole path."""
    return pattern if pattern.endswith("$") and not pattern.endswith("\\$") else f"{pattern}.*"


def match_value(rule: PathRule) -> str:
    """The path as the Kubernetes targets write it (regexes match the whole path there)."""
    return full_match_regex(rule.path) if rule.kind is MatchKind.REGEX else rule.path


def cookie_regex(value: str) -> str:
    """Matches the Cookie header carrying ``decompose_route=VALUE`` among other cookies."""
    return f"^(.*;\\s*)?{ROUTE_COOKIE}={value}(;.*)?$"


def kept_on_monolith(plan: ProxyPlan, service: ServicePlan) -> tuple[PathRule, ...]:
    """Monolith paths inside the service's prefixes: they must win inside this route too
    (a prefix's own path exactly, when the service serves only what lies under it)."""
    prefixes = [r.path for r in service.rules if r.kind is MatchKind.PREFIX]
    return tuple(r for r in plan.monolith_rules if r.kind is not MatchKind.REGEX
                 and any(r.path.startswith(p) and (r.path != p or r.kind is MatchKind.EXACT)
                         for p in prefixes))


def route_rules(plan: ProxyPlan, service: ServicePlan, *,
                method_split: bool) -> tuple[RouteRule, ...]:
    """The rules for one service, most binding first.

    Istio takes the first matching rule. Gateway API ranks by path, then method, then header
    count, then list order; ``method_split`` repeats override matches per safe method in shadow,
    so an override (method + header) outranks the mirror rule (method only).
    """
    monolith = Leg(MONOLITH, ServiceRef.of(plan.monolith), 100)
    target = Leg(service.name, ServiceRef.of(service.upstream), 100)
    paths = tuple(sorted(service.rules, key=lambda r: (*r.specificity, r.path)))
    rules = []
    kept = kept_on_monolith(plan, service)
    if kept:
        rules.append(RouteRule("monolith-paths",
                               "paths the monolith keeps inside the service's prefixes",
                               tuple(Match(p) for p in kept), (monolith,)))
    if plan.overrides.enabled:
        methods: tuple[str | None, ...] = (*SAFE_METHODS, None) if (
            method_split and service.mirrored) else (None,)
        for header, regex, kind in ((ROUTE_HEADER, False, "header"), ("Cookie", True, "cookie")):
            source = f"{kind} {ROUTE_COOKIE if regex else ROUTE_HEADER}"
            for leg in (target, monolith):
                side = "service" if leg is target else MONOLITH
                value = cookie_regex(side) if regex else side
                matches = tuple(Match(p, m, HeaderMatch(header, value, regex))
                                for p in paths for m in methods)
                rules.append(RouteRule(f"override-{kind}-{side}", f"override: {source} = {side}",
                                       matches, (leg,)))
    weights = (Leg(MONOLITH, monolith.ref, 100 - service.weight),
               Leg(service.name, target.ref, service.weight))
    if service.mirrored:
        rules.append(RouteRule(
            "shadow", f"shadow: {service.shadow_sample}% of GET/HEAD copied to {service.name}; "
            "the monolith answers", tuple(Match(p, m) for p in paths for m in SAFE_METHODS),
            weights, target.ref, service.shadow_sample))
    rules.append(RouteRule("split", f"split: {service.weight}% to {service.name}",
                           tuple(Match(p) for p in paths), weights))
    return tuple(rules)


def exchange_context(plan: ProxyPlan) -> dict[str, object]:
    """What the ext_authz manifests say about the bridge: where, which headers in and out."""
    return {"bridge": ServiceRef.of(plan.monolith), "check_headers": EXCHANGE_CHECK_HEADERS,
            "token_header": EXCHANGE_TOKEN_HEADER}


def route_file(folder: str, kind: str, service: str) -> str:
    return f"{folder}/{kind}-{service}.yaml"


def render_routes(plan: ProxyPlan, kind: str, folder: str, *, method_split: bool,
                  **extra: object) -> dict[str, str]:
    """One ``kind`` manifest per service that owns paths, from ``templates/<kind>.yaml.j2``."""
    template = TEMPLATES.get_template(f"{kind}.yaml.j2")
    files = {}
    for service in (s for s in plan.services if s.rules):
        rules = route_rules(plan, service, method_split=method_split)
        paths = {m.path for r in rules for m in r.matches}
        files[route_file(folder, kind, service.name)] = template.render(
            **template_context(plan), gateways=[GatewayRef.of(g) for g in plan.gateways],
            hosts=plan.hosts, service=service, route_name=service.name,
            rules=rules, folder=f"{plan.runtime_dir}/{folder}",
            path_values={p: match_value(p) for p in paths}, **extra)
    return dict(sorted(files.items()))


def policy_services(plan: ProxyPlan) -> list[ServicePlan]:
    """The services that get a credential-exchange policy: with the exchange on, those routed."""
    return [s for s in plan.services if s.rules] if plan.auth_exchange else []


def render_policies(plan: ProxyPlan, kind: str, folder: str, **extra: object) -> dict[str, str]:
    """One ext_authz policy per routed service, from ``templates/<kind>.yaml.j2``."""
    template = TEMPLATES.get_template(f"{kind}.yaml.j2")
    return {route_file(folder, kind, s.name): template.render(
                **template_context(plan), **exchange_context(plan), service=s,
                route_name=s.name, folder=f"{plan.runtime_dir}/{folder}", **extra)
            for s in policy_services(plan)}


def validate_policies(plan: ProxyPlan, staged: Path, kind: str, folder: str) -> list[Path]:
    """Names and the published schema of the staged policies; returns their files."""
    policies = [Path(route_file(folder, kind, s.name)) for s in policy_services(plan)]
    for name in policies:
        for doc in load_documents(staged / name):
            check_label(doc.get("metadata", {}).get("name"), "policy name", staged / name)
    if policies:
        run_schema_validator(policies, staged)
    return policies


def validate_routes(target: str, plan: ProxyPlan, staged: Path, kind: str, folder: str,
                    check: Callable[[dict, Path], None]) -> list[str]:
    """``check`` each staged manifest, then the schema validator on all: returns the warnings."""
    routes = [Path(route_file(folder, kind, s.name)) for s in plan.services if s.rules]
    for name in routes:
        for doc in load_documents(staged / name):
            check(doc, name)
    if routes:
        run_schema_validator(routes, staged)
    split = [f"{target}: the split is per request, not per client: {s.name} gets {s.weight}% "
             f"of requests, and a client may see both sides (a side is kept only with the "
             f"{ROUTE_COOKIE} cookie or {ROUTE_HEADER}; nginx and haproxy split per client)"
             for s in plan.services if s.rules and 0 < s.weight < 100]
    return [*split, *override_warnings(target, plan)]


def override_warnings(target: str, plan: ProxyPlan) -> list[str]:
    if not plan.overrides.enabled or not any(s.rules for s in plan.services):
        return []
    return [f"{target}: overrides are honoured from any client: the route cannot match the "
            f"client address ({', '.join(plan.overrides.trusted_networks)} not enforced); strip "
            f"{ROUTE_HEADER} at the edge or switch overrides off"]


# --- structural checks (always on) --------------------------------------------------------------

def load_documents(path: Path) -> list[dict[str, Any]]:
    try:
        docs = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]
    except yaml.YAMLError as exc:
        raise ValidationFailed(f"not valid YAML: {exc}".replace("\n", " "), path=path) from None
    if not all(isinstance(d, dict) for d in docs):
        raise ValidationFailed("a document is not a mapping", path=path)
    return docs


def check_label(value: object, what: str, path: Path) -> None:
    """A DNS-1123 label (Service and route names): lower case, digits, '-', at most 63."""
    if not isinstance(value, str) or len(value) > 63 or not _LABEL.match(value):
        raise ValidationFailed(f"{what} {value!r} is not a DNS-1123 label (a Kubernetes name)",
                               path=path)


def check_host(value: object, what: str, path: Path) -> None:
    """A Service host (``orders`` or ``orders.shop.svc.cluster.local``), never an address."""
    text = str(value)
    try:
        ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        pass
    else:
        raise ValidationFailed(f"{what} {text!r} is an IP address, not a Kubernetes Service "
                               f"(route the service with --upstream NAME:PORT)", path=path)
    for label in text.split("."):
        check_label(label, what, path)


def check_path(value: object, what: str, path: Path) -> None:
    if not isinstance(value, str) or not value.startswith("/") or "//" in value:
        raise ValidationFailed(f"{what} {value!r} must start with '/' (and hold no '//')",
                               path=path)


def check_weights(weights: Iterable[object], where: str, path: Path) -> None:
    values = list(weights)
    numbers = [w for w in values if isinstance(w, int) and 0 <= w <= 100]
    if len(numbers) != len(values) or sum(numbers) != 100:
        raise ValidationFailed(f"{where}: weights {values} do not sum to 100", path=path)


# --- the published schemas (node) ---------------------------------------------------------------

def run_schema_validator(files: list[Path], staged: Path) -> None:
    """Check ``files`` (relative to ``staged``) against the CRD schemas.

    A missing validator is an error, not a skip: every file is checked before it is published.
    """
    install = f"npm ci --prefix {SCHEMA_DIR}"
    node = shutil.which("node")
    if node is None:
        raise ToolMissing("node", f"check Kubernetes manifests against their schemas "
                                  f"(apt-get install nodejs npm, then {install})")
    if not (SCHEMA_DIR / "node_modules" / "@kubernetes-models").is_dir():
        raise DecomposeError(f"the Kubernetes schema validator is not installed: run {install}")
    done = subprocess.run([node, str(SCHEMA_DIR / "validate.mjs"), *map(str, files)],
                          capture_output=True, text=True, timeout=120, check=False, cwd=staged)
    if done.returncode != 0:
        lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
        raise ValidationFailed(f"schema check rejected the config: {' | '.join(lines[:6])}")
