"""Istio: one ``VirtualService`` per service, bound to the decompose Gateway.

Same rules as the Gateway API target (``_kubernetes.route_rules``), spelled for Istio's
first-match ``http`` list: weighted ``route`` destinations, ``mirror`` + ``mirrorPercentage``,
header-match overrides and ``headers.response.set`` naming the side per destination.
"""

from __future__ import annotations

from pathlib import Path

from decompose.errors import DecomposeError
from strangler.backends import TEMPLATES, register
from strangler.backends._kubernetes import (
    ServiceRef,
    check_host,
    check_label,
    check_path,
    check_weights,
    load_documents,
    render_routes,
    route_file,
    run_schema_validator,
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
_URI_KEYS = {MatchKind.EXACT: "exact", MatchKind.PREFIX: "prefix", MatchKind.REGEX: "regex"}


@register
class IstioBackend:
    name = "istio"
    main_file = FOLDER
    listens = False

    def render(self, plan: ProxyPlan) -> dict[str, str]:
        files = render_routes(plan, KIND, FOLDER, method_split=False, uri_keys=_URI_KEYS)
        if plan.auth_exchange:
            template = TEMPLATES.get_template(f"{POLICY}.yaml.j2")
            for service in (s for s in plan.services if s.rules):
                files[route_file(FOLDER, POLICY, service.name)] = template.render(
                    **template_context(plan), service=service, route_name=service.name,
                    provider=PROVIDER, folder=f"{plan.runtime_dir}/{FOLDER}",
                    monolith_host=ServiceRef.of(plan.monolith).host,
                    paths=[_policy_path(r) for r in service.rules
                           if r.kind is not MatchKind.REGEX])
        return dict(sorted(files.items()))

    def validate(self, plan: ProxyPlan, staged: Path) -> list[str]:
        warnings = validate_routes(self.name, plan, staged, KIND, FOLDER, check_virtualservice)
        policies = [Path(route_file(FOLDER, POLICY, s.name)) for s in plan.services
                    if s.rules and plan.auth_exchange]
        for name in policies:
            for doc in load_documents(staged / name):
                check_label(doc.get("metadata", {}).get("name"), "policy name", staged / name)
        if policies:
            run_schema_validator(policies, staged)
            warnings.append(f"istio: the credential exchange ({', '.join(map(str, policies))}) "
                            f"needs the {PROVIDER!r} extension provider in the mesh config and a "
                            f"bridge that answers Envoy's ext_authz (see the file's header); "
                            f"until then the service gets the client's own headers")
        return warnings

    def apply_live(self, plan: ProxyPlan, out: Path) -> list[str]:
        return [f"istio: apply with kubectl apply -f {out / FOLDER}/"]

    def reload(self, plan: ProxyPlan, out: Path, published: Published) -> list[str]:
        raise DecomposeError("--reload is for nginx and haproxy; apply with "
                             f"kubectl apply -f {out / FOLDER}/")


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
