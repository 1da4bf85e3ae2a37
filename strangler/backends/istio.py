"""Istio: one ``VirtualService`` per service, bound to the decompose Gateway.

Same rules as the Gateway API target (``_kubernetes.route_rules``), spelled for Istio's
first-match ``http`` list: weighted ``route`` destinations, ``mirror`` + ``mirrorPercentage``,
header-match overrides and ``headers.response.set`` naming the side per destination.
"""

from __future__ import annotations

from pathlib import Path

from decompose.errors import DecomposeError, ValidationFailed
from strangler.backends import TEMPLATES, register
from strangler.backends._kubernetes import (
    ServiceRef,
    check_host,
    check_label,
    check_path,
    check_weights,
    exchange_context,
    load_documents,
    policy_services,
    render_policies,
    render_routes,
    validate_policies,
    validate_routes,
)
from strangler.backends._tools import template_context
from strangler.plan import ProxyPlan
from strangler.publish import Published
from strangler.routes import MatchKind, PathRule

FOLDER = "istio"
KIND = "virtualservice"
POLICY = "authorizationpolicy"
PROVIDER = "decompose-credential-exchange"
MESH_CONFIG_TEMPLATE = "meshconfig-credential-exchange.yaml"
MESH_CONFIG = f"{FOLDER}/{MESH_CONFIG_TEMPLATE}"
_URI_KEYS = {MatchKind.EXACT: "exact", MatchKind.PREFIX: "prefix", MatchKind.REGEX: "regex"}


@register
class IstioBackend:
    name = "istio"
    main_file = FOLDER
    listens = False

    def render(self, plan: ProxyPlan) -> dict[str, str]:
        files = render_routes(plan, KIND, FOLDER, method_split=False, uri_keys=_URI_KEYS)
        files |= render_policies(plan, POLICY, FOLDER, provider=PROVIDER, policy_paths={
            s.name: [_policy_path(r) for r in s.rules if r.kind is not MatchKind.REGEX]
            for s in plan.services})
        if policy_services(plan):
            files[MESH_CONFIG] = TEMPLATES.get_template(f"{MESH_CONFIG_TEMPLATE}.j2").render(
                **template_context(plan), **exchange_context(plan), provider=PROVIDER,
                bridge_host=_mesh_host(ServiceRef.of(plan.monolith)),
                folder=f"{plan.runtime_dir}/{FOLDER}")
        return dict(sorted(files.items()))

    def validate(self, plan: ProxyPlan, staged: Path) -> list[str]:
        warnings = validate_routes(self.name, plan, staged, KIND, FOLDER, check_virtualservice)
        if validate_policies(plan, staged, POLICY, FOLDER):
            check_mesh_config(staged / MESH_CONFIG)
            warnings.append(f"istio: the credential exchange needs the {PROVIDER!r} extension "
                            f"provider in the mesh config: merge {FOLDER}/{MESH_CONFIG_TEMPLATE} "
                            f"(helm upgrade istiod ... -f it, or IstioOperator spec.meshConfig)")
        return warnings

    def apply_live(self, plan: ProxyPlan, out: Path) -> list[str]:
        return [f"istio: apply with kubectl apply -f {out / FOLDER}/"]

    def reload(self, plan: ProxyPlan, out: Path, published: Published) -> list[str]:
        raise DecomposeError("--reload is for nginx and haproxy; apply with "
                             f"kubectl apply -f {out / FOLDER}/")


def _mesh_host(ref: ServiceRef) -> str:
    """The provider's ``service``: Istio wants the fully qualified host of a Service."""
    if ref.namespace is None or ref.host.endswith(".cluster.local"):
        return ref.host
    return f"{ref.name}.{ref.namespace}.svc.cluster.local"


def check_mesh_config(path: Path) -> None:
    """No published schema covers MeshConfig (IstioOperator's spec is free-form there): the
    provider is checked field by field (Istio's EnvoyExternalAuthorizationHttpProvider)."""
    docs = load_documents(path)
    providers = docs[0].get("meshConfig", {}).get("extensionProviders", []) if docs else []
    http = providers[0].get("envoyExtAuthzHttp", {}) if len(providers) == 1 else {}
    fields = {"service", "port", "pathPrefix", "timeout", "includeRequestHeadersInCheck",
              "headersToUpstreamOnAllow"}
    if set(http) != fields or providers[0].get("name") != PROVIDER:
        raise ValidationFailed(f"expected one {PROVIDER!r} envoyExtAuthzHttp provider with "
                               f"{sorted(fields)}", path=path)
    if not isinstance(http["port"], int) or not str(http["pathPrefix"]).startswith("/"):
        raise ValidationFailed("the provider's port must be a number and pathPrefix a path",
                               path=path)
    check_host(http["service"], "provider service", path)


def _policy_path(rule: PathRule) -> str:
    """An AuthorizationPolicy path: exact, or a prefix written with a trailing ``*``."""
    return f"{rule.path}*" if rule.kind is MatchKind.PREFIX else rule.path


def check_virtualservice(doc: dict, path: Path) -> None:
    """What the schema validator does not see: names, paths, destination hosts, weights."""
    check_label(doc.get("metadata", {}).get("name"), "VirtualService name", path)
    for index, http in enumerate(doc.get("spec", {}).get("http") or ()):
        routes = http.get("route") or []
        check_weights((r.get("weight", 100 if len(routes) == 1 else 0) for r in routes),
                      f"http route {index + 1}", path)
        for dest in [r.get("destination", {}) for r in routes] + [http.get("mirror") or {}]:
            if dest:
                check_host(dest.get("host"), "destination host", path)
        for match in http.get("match") or ():
            uri = match.get("uri", {})
            for kind in ("exact", "prefix"):
                if kind in uri:
                    check_path(uri[kind], "uri", path)
