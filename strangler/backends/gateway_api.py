"""Kubernetes Gateway API: one ``HTTPRoute`` per service plus a kustomization listing them.

Weighted ``backendRefs`` split the owned paths, header matches carry the overrides and a
``RequestMirror`` filter shadows safe requests; what HTTPRoute cannot express (per-client
stickiness, trusted networks, a header on mirrored copies only) is said in the file itself.
With the credential exchange on, an Envoy Gateway ``SecurityPolicy`` (extAuth) per route.
"""

from __future__ import annotations

from pathlib import Path

from decompose.errors import DecomposeError, ValidationFailed
from strangler.backends import TEMPLATES, register
from strangler.backends._kubernetes import (
    check_host,
    check_label,
    check_path,
    check_weights,
    render_policies,
    render_routes,
    validate_policies,
    validate_routes,
)
from strangler.plan import ProxyPlan
from strangler.publish import Published
from strangler.routes import MatchKind

FOLDER = "k8s"
KIND = "httproute"
POLICY = "securitypolicy"
KUSTOMIZATION = f"{FOLDER}/kustomization.yaml"
_PATH_TYPES = {MatchKind.EXACT: "Exact", MatchKind.PREFIX: "PathPrefix",
               MatchKind.REGEX: "RegularExpression"}
# Limits the HTTPRoute CRD enforces (the last through CEL, which the schema validator skips).
MAX_RULES, MAX_MATCHES_PER_RULE, MAX_MATCHES = 16, 64, 128


@register
class GatewayApiBackend:
    name = "gateway-api"
    main_file = KUSTOMIZATION
    listens = False

    def render(self, plan: ProxyPlan) -> dict[str, str]:
        files = render_routes(plan, KIND, FOLDER, method_split=True, path_types=_PATH_TYPES)
        files |= render_policies(plan, POLICY, FOLDER)
        resources = [name.removeprefix(f"{FOLDER}/") for name in files]
        files[KUSTOMIZATION] = TEMPLATES.get_template("kustomization.yaml.j2").render(
            resources=resources)
        return dict(sorted(files.items()))

    def validate(self, plan: ProxyPlan, staged: Path) -> list[str]:
        warnings = validate_routes(self.name, plan, staged, KIND, FOLDER, check_httproute)
        if validate_policies(plan, staged, POLICY, FOLDER):
            warnings.append(f"gateway-api: the credential exchange is an Envoy Gateway "
                            f"SecurityPolicy ({FOLDER}/{POLICY}-*.yaml); other implementations "
                            f"ignore it and the service gets the client's own headers")
        return warnings

    def apply_live(self, plan: ProxyPlan, out: Path) -> list[str]:
        return [f"gateway-api: apply with kubectl apply -k {out / FOLDER}"]

    def reload(self, plan: ProxyPlan, out: Path, published: Published) -> list[str]:
        raise DecomposeError("--reload is for nginx and haproxy; apply with "
                             f"kubectl apply -k {out / FOLDER}")


def check_httproute(doc: dict, path: Path) -> None:
    """What the schema validator does not see: names, paths, weights, the CEL size limits."""
    check_label(doc.get("metadata", {}).get("name"), "route name", path)
    rules = doc.get("spec", {}).get("rules") or []
    matches = [len(rule.get("matches") or ()) for rule in rules]
    if len(rules) > MAX_RULES or max(matches, default=0) > MAX_MATCHES_PER_RULE \
            or sum(matches) > MAX_MATCHES:
        raise ValidationFailed(f"{len(rules)} rules with {sum(matches)} matches exceed HTTPRoute's "
                               f"limits ({MAX_RULES} rules, {MAX_MATCHES_PER_RULE} matches a "
                               f"rule, {MAX_MATCHES} in all): the service owns too many paths",
                               path=path)
    for index, rule in enumerate(rules):
        refs = rule.get("backendRefs") or []
        check_weights((ref.get("weight", 1) for ref in refs), f"rule {index + 1}", path)
        mirrors = [f["requestMirror"]["backendRef"] for f in rule.get("filters") or ()
                   if f.get("type") == "RequestMirror"]
        for ref in [*refs, *mirrors]:
            check_host(ref.get("name"), "Service name", path)
            check_label(ref.get("name"), "Service name", path)
            if ref.get("namespace") is not None:
                check_label(ref["namespace"], "namespace", path)
        for match in rule.get("matches") or ():
            if match.get("path", {}).get("type") != "RegularExpression":
                check_path(match.get("path", {}).get("value"), "path", path)
