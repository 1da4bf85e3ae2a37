"""Gateway API and Istio targets: the real CRD-schema validator, structural checks, publishing."""

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from decompose.errors import DecomposeError, ToolMissing, ValidationFailed
from decompose.model import Stage, UrlRoute
from strangler.backends import _kubernetes, get_backend
from strangler.backends._kubernetes import run_schema_validator
from strangler.command import proxy, route
from strangler.plan import build_plan
from strangler.publish import publish
from tests.strangler.sample import SAMPLE_URLS, orders_state
from tests.strangler.test_command import project, run

TARGETS = {"gateway-api": "k8s/httproute-orders.yaml", "istio": "istio/virtualservice-orders.yaml"}
# One edit per target that only the published schema refuses (our structural check lets it by).
BREAKAGES = {"gateway-api": ("type: PathPrefix", "type: Prefix"),
             "istio": ("  gateways:\n  - decompose\n", "  gateways: decompose\n")}


def plan_for(tmp_path, stage=Stage.PERCENT, weight=10, *, service="orders:8000", urls=SAMPLE_URLS):
    state = orders_state("web:8000", service, stage, weight, sample=25)
    return build_plan(state, urls, listen="8080", runtime_dir=str(tmp_path))


@dataclass(frozen=True)
class Corrupted:
    """The real backend with one textual edit applied to its output before publishing."""

    backend: object
    old: str
    new: str
    file: str | None = None  # default: the target's route file

    @property
    def name(self):
        return self.backend.name

    @property
    def main_file(self):
        return self.backend.main_file

    def render(self, plan):
        files = self.backend.render(plan)
        name = self.file or TARGETS[self.name]
        assert self.old in files[name]
        return {**files, name: files[name].replace(self.old, self.new, 1)}

    def validate(self, plan, staged):
        return self.backend.validate(plan, staged)


def test_a_service_owning_no_path_gets_no_route(tmp_path):
    plan = plan_for(tmp_path, urls=SAMPLE_URLS[:1])
    assert get_backend("istio").render(plan) == {}
    files = get_backend("gateway-api").render(plan)
    assert list(files) == ["k8s/kustomization.yaml"]
    assert "resources: []" in files["k8s/kustomization.yaml"]


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_the_schema_validator_accepts_every_stage(target, tmp_path):
    written = []
    for stage, weight in ((Stage.OFF, 0), (Stage.SHADOW, 0), (Stage.PERCENT, 10),
                          (Stage.FULL, 100)):
        written += publish(get_backend(target), plan_for(tmp_path, stage, weight), tmp_path).written
    assert tmp_path / TARGETS[target] in written
    run_schema_validator([Path(TARGETS[target])], tmp_path)  # the final file, once more


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_a_schema_violation_is_refused_and_the_old_file_kept(target, tmp_path):
    publish(get_backend(target), plan_for(tmp_path), tmp_path)
    before = (tmp_path / TARGETS[target]).read_text()
    broken = Corrupted(get_backend(target), *BREAKAGES[target])
    with pytest.raises(ValidationFailed, match="schema check rejected the config") as failure:
        publish(broken, plan_for(tmp_path, Stage.FULL, 100), tmp_path)
    assert TARGETS[target] in str(failure.value)
    assert (tmp_path / TARGETS[target]).read_text() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_the_validator_reports_the_offending_field(tmp_path):
    route = tmp_path / "route.yaml"
    route.write_text("apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n"
                     "metadata: {name: orders}\nspec:\n  rules:\n"
                     "  - backendRefs: [{name: web, port: 8000, weight: -1}]\n")
    with pytest.raises(ValidationFailed, match=r"/spec/rules/0/backendRefs/0/weight must be >= 0"):
        run_schema_validator([Path("route.yaml")], tmp_path)


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_an_ip_upstream_is_refused_by_the_structural_check(target, tmp_path):
    with pytest.raises(ValidationFailed, match=r"'127\.0\.0\.1' is an IP address"):
        publish(get_backend(target), plan_for(tmp_path, service="127.0.0.1:9000"), tmp_path)
    assert not (tmp_path / TARGETS[target]).exists()


def test_weights_that_do_not_sum_to_100_are_refused(tmp_path):
    broken = Corrupted(get_backend("istio"), "weight: 90", "weight: 80")
    with pytest.raises(ValidationFailed, match=r"weights \[80, 10\] do not sum to 100"):
        publish(broken, plan_for(tmp_path), tmp_path)


def test_too_many_paths_for_one_httproute_is_a_clear_error(tmp_path):
    urls = tuple(UrlRoute(f"/api/orders/part{i}/", "orders", SAMPLE_URLS[1].location)
                 for i in range(40))
    with pytest.raises(ValidationFailed, match="exceed HTTPRoute's limits"):
        publish(get_backend("gateway-api"), plan_for(tmp_path, urls=urls), tmp_path)


def test_a_missing_validator_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setattr(_kubernetes, "SCHEMA_DIR", tmp_path / "nowhere")
    with pytest.raises(DecomposeError, match=r"not installed: run npm ci --prefix .*nowhere"):
        publish(get_backend("istio"), plan_for(tmp_path), tmp_path / "out")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ToolMissing, match="apt-get install nodejs npm"):
        publish(get_backend("istio"), plan_for(tmp_path), tmp_path / "out")
    assert not (tmp_path / "out" / TARGETS["istio"]).exists()


def test_shadow_overrides_outrank_the_mirror_rule_in_gateway_api(tmp_path):
    """Gateway API ranks a method match above header matches: overrides repeat the methods."""
    doc = yaml.safe_load(get_backend("gateway-api").render(
        plan_for(tmp_path, Stage.SHADOW, 0))[TARGETS["gateway-api"]])
    rules = doc["spec"]["rules"]
    mirror = next(r for r in rules if any(f["type"] == "RequestMirror" for f in r["filters"]))
    assert mirror["filters"][1]["requestMirror"]["percent"] == 25
    assert {m.get("method") for m in mirror["matches"]} == {"GET", "HEAD"}
    override = rules[0]["matches"]
    assert {m.get("method") for m in override} == {"GET", "HEAD", None}
    assert all(m["headers"][0]["name"] == "X-Decompose-Route" for m in override)


def test_monolith_paths_inside_an_owned_prefix_stay_on_the_monolith(tmp_path):
    urls = (*SAMPLE_URLS, UrlRoute("/api/orders/export/", "reports", SAMPLE_URLS[0].location))
    text = get_backend("istio").render(plan_for(tmp_path, urls=urls))[TARGETS["istio"]]
    first = yaml.safe_load(text)["spec"]["http"][0]
    assert first["name"] == "monolith-paths"
    # its slash-less form too, or the service's /api/orders/ prefix would answer it
    assert first["match"] == [{"uri": {"exact": "/api/orders/export"}},
                              {"uri": {"prefix": "/api/orders/export/"}}]
    assert first["route"][0]["destination"]["host"] == "web"


def test_a_namespaced_upstream_becomes_a_namespaced_backend_ref(tmp_path):
    plan = plan_for(tmp_path, service="orders.shop.svc.cluster.local:8000")
    doc = yaml.safe_load(get_backend("gateway-api").render(plan)[TARGETS["gateway-api"]])
    refs = doc["spec"]["rules"][-1]["backendRefs"]
    assert refs[1] == {**refs[1], "name": "orders", "namespace": "shop", "port": 8000}
    assert publish(get_backend("gateway-api"), plan, tmp_path).written


def test_decompose_proxy_writes_the_routes_under_proxy(tmp_path):
    root = project(tmp_path)
    run(route, "orders", "--apps", "orders", "--percent", "10", "--project", root)
    result = run(proxy, "--target", "gateway-api", "--project", root)
    assert result.exit_code == 0, result.output
    assert "+++ b/k8s/httproute-orders.yaml" in result.output
    assert "overrides are honoured from any client" in result.output
    doc = yaml.safe_load((root / "proxy" / TARGETS["gateway-api"]).read_text())
    assert [r["weight"] for r in doc["spec"]["rules"][-1]["backendRefs"]] == [90, 10]
    assert "up to date" in run(proxy, "--target", "gateway-api", "--project", root).output


def test_istio_credential_exchange_is_a_custom_policy_the_schema_accepts(tmp_path):
    state = orders_state("web:8000", "orders:8000", Stage.PERCENT, 10, auth_exchange=True)
    plan = build_plan(state, SAMPLE_URLS, runtime_dir=str(tmp_path))
    result = publish(get_backend("istio"), plan, tmp_path)
    policy = yaml.safe_load((tmp_path / "istio" / "authorizationpolicy-orders.yaml").read_text())
    assert policy["spec"]["action"] == "CUSTOM"
    assert policy["spec"]["provider"] == {"name": "decompose-credential-exchange"}
    assert policy["spec"]["rules"][0]["to"][0]["operation"]["paths"] == [
        "/api/orders", "/orders", "/api/orders/*", "/orders/*"]
    assert any("needs the 'decompose-credential-exchange' extension provider" in w
               for w in result.warnings)
    broken = Corrupted(get_backend("istio"), "action: CUSTOM", "action: CUSTOMISED",
                       "istio/authorizationpolicy-orders.yaml")
    with pytest.raises(ValidationFailed, match=r"authorizationpolicy-orders\.yaml"):
        publish(broken, plan, tmp_path / "again")


def exchange_plan(tmp_path, monolith="web.shop:8000"):
    state = orders_state(monolith, "orders:8000", Stage.PERCENT, 10, auth_exchange=True)
    return build_plan(state, SAMPLE_URLS, runtime_dir=str(tmp_path))


def test_istio_mesh_config_names_the_bridge_as_envoy_calls_it(tmp_path):
    publish(get_backend("istio"), exchange_plan(tmp_path), tmp_path)
    mesh = yaml.safe_load((tmp_path / "istio" / "meshconfig-credential-exchange.yaml").read_text())
    (provider,) = mesh["meshConfig"]["extensionProviders"]
    http = provider["envoyExtAuthzHttp"]
    assert provider["name"] == "decompose-credential-exchange"
    assert (http["service"], http["port"], http["pathPrefix"]) == (
        "web.shop.svc.cluster.local", 8000, "/_decompose/token")
    assert {"authorization", "cookie", "x-csrftoken"} <= set(http["includeRequestHeadersInCheck"])
    assert http["headersToUpstreamOnAllow"] == ["x-decompose-token"]
    broken = Corrupted(get_backend("istio"), "pathPrefix:", "path_prefix:",
                       "istio/meshconfig-credential-exchange.yaml")
    with pytest.raises(ValidationFailed, match="meshconfig-credential-exchange"):
        publish(broken, exchange_plan(tmp_path), tmp_path / "again")


def test_gateway_api_credential_exchange_is_a_security_policy_the_schema_accepts(tmp_path):
    result = publish(get_backend("gateway-api"), exchange_plan(tmp_path), tmp_path)
    policy = yaml.safe_load((tmp_path / "k8s" / "securitypolicy-orders.yaml").read_text())
    assert policy["spec"]["targetRefs"] == [
        {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": "orders"}]
    http = policy["spec"]["extAuth"]["http"]
    assert http == {"backendRefs": [{"name": "web", "namespace": "shop", "port": 8000}],
                    "path": "/_decompose/token", "headersToBackend": ["x-decompose-token"]}
    kustomization = yaml.safe_load((tmp_path / "k8s" / "kustomization.yaml").read_text())
    assert kustomization["resources"] == ["httproute-orders.yaml", "securitypolicy-orders.yaml"]
    assert any("Envoy Gateway SecurityPolicy" in w for w in result.warnings)
    broken = Corrupted(get_backend("gateway-api"), "port: 8000", 'port: "8000"',
                       "k8s/securitypolicy-orders.yaml")
    with pytest.raises(ValidationFailed, match=r"backendRefs/0/port must be integer"):
        publish(broken, exchange_plan(tmp_path), tmp_path / "again")
