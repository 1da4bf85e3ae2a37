"""Istio: one ``VirtualService`` per service, bound to the decompose Gateway.

Same rules as the Gateway API target (``_kubernetes.route_rules``), spelled for Istio's
first-match ``http`` list: weighted ``route`` destinations, ``mirror`` + ``mirrorPercentage``,
header-match overrides and ``headers.response.set`` naming the side per destination.
"""

from __future__ import annotations

from pathlib import Path

from decompose.errors import DecomposeError
from strangler.backends import register
from strangler.backends._kubernetes import (
    check_host,
    check_label,
    check_path,
    check_weights,
    render_routes,
    validate_routes,
)
from strangler.plan import ProxyPlan
from strangler.publish import Published
from strangler.routes import MatchKind

FOLDER = "istio"
KIND = "virtualservice"
_URI_KEYS = {MatchKind.EXACT: "exact", MatchKind.PREFIX: "prefix", MatchKind.REGEX: "regex"}


@register
class IstioBackend:
    name = "istio"
    main_file = FOLDER
    listens = False

    def render(self, plan: ProxyPlan) -> dict[str, str]:
        return render_routes(plan, KIND, FOLDER, method_split=False, uri_keys=_URI_KEYS)

    def validate(self, plan: ProxyPlan, staged: Path) -> list[str]:
        return validate_routes(self.name, plan, staged, KIND, FOLDER, check_virtualservice)

    def apply_live(self, plan: ProxyPlan, out: Path) -> list[str]:
        return [f"istio: apply with kubectl apply -f {out / FOLDER}/"]

    def reload(self, plan: ProxyPlan, out: Path, published: Published) -> list[str]:
        raise DecomposeError("--reload is for nginx and haproxy; apply with "
                             f"kubectl apply -f {out / FOLDER}/")


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
