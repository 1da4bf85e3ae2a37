"""The rendered service skeleton is a project that runs: checks, schema, gunicorn, its own tests.

One render (plus the tiny "widgets" app from tests/fixtures, standing in for moved code), one
throwaway PostgreSQL and one gunicorn with two workers are shared by the whole module.
"""

from __future__ import annotations

import copy
import json
import re
import secrets
import shutil
import stat
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from packaging.requirements import Requirement

from extractor.render import render_service
from extractor.spec import ServiceApp, ServiceSpec, UrlMount
from tests.support import http
from tests.support.gunicorn import start_gunicorn
from tests.support.http import free_port
from tests.support.keys import key_pair
from tests.support.postgres import temporary_postgres
from tests.support.processes import clean_env, run, stop

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

REPO = Path(__file__).resolve().parents[2]
WIDGETS_APP = REPO / "tests" / "fixtures" / "widgets_app" / "widgets"
GOLDEN = REPO / "tests" / "golden" / "service"
# The oldest Kubernetes minor we target, and the newest the validator knows.
KUBERNETES_VERSIONS = ("1.30", kubernetes_validate.latest_version())

SPEC = ServiceSpec(
    name="widgets",
    apps=(ServiceApp("widgets", "widgets"),),
    mounts=(UrlMount("api/", "widgets.urls"),),
    routes=("/api/widgets/",),
)


def render(target: Path) -> list[str]:
    """The skeleton as the extractor writes it (decompose_remote comes from decompose-runtime)."""
    return render_service(SPEC, target)


# Production settings require the monolith's token key and this service's signing key.
PRODUCTION_KEYS = {"DECOMPOSE_TOKEN_PUBLIC_KEY": key_pair().public,
                   "DECOMPOSE_SERVICE_PRIVATE_KEY": key_pair().private}


def production_env(database_url: str, **values: str) -> dict[str, str]:
    return clean_env(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="localhost,127.0.0.1",
        DATABASE_URL=database_url,
        **PRODUCTION_KEYS,
        **values,
    )


class JsonReply(http.Reply):
    """A reply whose ``json()`` also checks that the service labelled the body JSON."""

    def json(self) -> object:
        assert self.headers["content-type"] == "application/json", self.headers
        return super().json()


@dataclass(frozen=True)
class Server:
    base_url: str
    metrics_dir: Path

    def request(self, path: str, *, method: str = "GET", headers: dict[str, str] | None = None,
                body: object = None, https: bool = True) -> JsonReply:
        """One request on a fresh connection; ``https`` adds the gateway's forwarded proto."""
        forwarded = {"X-Forwarded-Proto": "https"} if https else {}
        reply = http.request(self.base_url + path, method=method, body=body, timeout=10,
                             headers={**forwarded, **(headers or {})})
        return JsonReply(reply.status, reply.headers, reply.cookies, reply.body)


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    with temporary_postgres("widgets") as url:
        yield url


@pytest.fixture(scope="module")
def service(tmp_path_factory, database_url) -> Path:
    """The rendered skeleton with the widgets app copied in and openapi.yaml generated."""
    root = tmp_path_factory.mktemp("service")
    render(root)
    shutil.copytree(WIDGETS_APP, root / "widgets")
    run([sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn",
         "--file", "openapi.yaml"], root,
        clean_env(DJANGO_SETTINGS_MODULE="config.settings.test", DATABASE_URL=database_url))
    run([sys.executable, "manage.py", "migrate", "--noinput"], root,
        production_env(database_url))
    return root


def start_widgets(service: Path, env: dict[str, str], log: Path, workers: int) -> tuple[
        Server, subprocess.Popen]:
    """The service under gunicorn, once it answers /livez with 200."""
    metrics = Path(env["PROMETHEUS_MULTIPROC_DIR"])
    url, process = start_gunicorn(
        service, env, log, "--config", "gunicorn.conf.py", "config.wsgi:application",
        workers=workers,
        ready=lambda url: Server(url, metrics).request("/livez", https=False).status == 200)
    return Server(url, metrics), process


@pytest.fixture(scope="module")
def server(service, database_url, tmp_path_factory) -> Iterator[Server]:
    """gunicorn with two workers and production settings, on a free loopback port."""
    scratch = tmp_path_factory.mktemp("gunicorn")
    env = production_env(database_url, PROMETHEUS_MULTIPROC_DIR=str(scratch / "metrics"))
    running, process = start_widgets(service, env, scratch / "gunicorn.log", workers=2)
    yield running
    stop(process)


def k8s_documents(service: Path) -> dict[str, dict]:
    documents = {}
    for path in sorted((service / "k8s").glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            documents[f"{document['kind']}/{document['metadata']['name']}"] = document
    return documents


def tree_bytes(root: Path) -> dict[str, tuple[bytes, int]]:
    return {path.relative_to(root).as_posix():
            (path.read_bytes(), stat.S_IMODE(path.stat().st_mode))
            for path in sorted(root.rglob("*")) if path.is_file()}


# --- rendering: deterministic, reviewed as golden files --------------------------------------


def test_rendering_twice_gives_identical_trees(tmp_path):
    first = render(tmp_path / "first")
    second = render(tmp_path / "second")
    assert first == second
    assert tree_bytes(tmp_path / "first") == tree_bytes(tmp_path / "second")


def test_rendered_tree_matches_golden_files(tmp_path, request):
    render(tmp_path)
    rendered = {name: content for name, (content, _) in tree_bytes(tmp_path).items()}
    if request.config.getoption("--update-golden"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(tmp_path, GOLDEN)
    golden = {name: content for name, (content, _) in tree_bytes(GOLDEN).items()}
    assert sorted(rendered) == sorted(golden), "file list changed: run with --update-golden"
    for name, content in rendered.items():
        assert content.decode() == golden[name].decode(), f"{name} differs from golden"


def test_generated_code_is_ruff_clean(service):
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    run([ruff, "check", "--no-cache", "."], service, clean_env())


def test_pinned_ranges_admit_the_versions_tested_here(service):
    project = tomllib.loads((service / "pyproject.toml").read_text())["project"]
    requirements = [Requirement(r) for r in
                    [*project["dependencies"], *project["optional-dependencies"]["test"]]]
    assert {r.name.lower() for r in requirements} >= {
        "django", "djangorestframework", "drf-spectacular", "django-environ", "gunicorn",
        "prometheus-client", "psycopg", "pyjwt", "pytest-django", "schemathesis", "urllib3"}
    for requirement in requirements:
        assert requirement.specifier, f"{requirement.name} has no version range"
        installed = metadata.version(requirement.name)
        assert requirement.specifier.contains(installed), (requirement, installed)


# --- Django: checks and schema ----------------------------------------------------------------


def test_system_checks_are_clean(service, database_url):
    out = run([sys.executable, "manage.py", "check", "--fail-level", "WARNING"], service,
              clean_env(DATABASE_URL=database_url))
    assert "System check identified no issues" in out


def test_deploy_checks_are_clean_with_production_settings(service, database_url):
    out = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
              service, production_env(database_url))
    assert "System check identified no issues" in out


def test_production_refuses_to_start_without_a_secret_key(service, database_url):
    env = production_env(database_url)
    del env["DJANGO_SECRET_KEY"]
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=service, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "Set the DJANGO_SECRET_KEY environment variable" in result.stderr


@pytest.mark.parametrize("name", sorted(PRODUCTION_KEYS))
def test_production_refuses_to_start_without_the_monolith_keys(service, database_url, name):
    env = production_env(database_url)
    del env[name]
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=service, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert f"Set the {name} environment variable" in result.stderr


def test_debug_is_off_by_default(service, database_url):
    out = run([sys.executable, "manage.py", "shell", "-c",
               "from django.conf import settings; print(settings.DEBUG)"], service,
              production_env(database_url))
    assert out.strip().splitlines()[-1] == "False"


def test_wsgi_and_asgi_entry_points_load_production_settings(service, database_url):
    env = production_env(database_url)
    del env["DJANGO_SETTINGS_MODULE"]
    out = run([sys.executable, "-c",
               "import config.asgi, config.wsgi; from django.conf import settings; "
               "print(settings.SETTINGS_MODULE, config.asgi.application.__class__.__name__, "
               "config.wsgi.application.__class__.__name__)"], service, env)
    assert out.split() == ["config.settings.production", "ASGIHandler", "WSGIHandler"]


def test_committed_schema_is_valid_and_served(service, server):
    schema = yaml.safe_load((service / "openapi.yaml").read_text())
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {"/api/widgets/", "/api/widgets/{id}/"}
    # DRF strips whitespace before its not-blank check: the schema says a name must show text.
    assert schema["components"]["schemas"]["WidgetRequest"]["properties"]["name"]["pattern"] == (
        r"\S")
    served = server.request("/api/schema/")
    assert served.status == 200
    assert served.body.decode() == (service / "openapi.yaml").read_text()


# --- the running service (gunicorn, two workers, production settings, PostgreSQL) -----------


def test_livez_and_readyz_answer_probes_by_pod_ip(server):
    """Kubelets send the pod IP as Host, over plain HTTP: no 400, no HTTPS redirect."""
    live = server.request("/livez", headers={"Host": "10.1.2.3:8000"}, https=False)
    ready = server.request("/readyz", headers={"Host": "10.1.2.3:8000"}, https=False)
    assert (live.status, live.json()) == (200, {"status": "ok"})
    assert (ready.status, ready.json()) == (200, {"status": "ok", "databases": {"default": "ok"}})


def test_plain_http_api_requests_are_redirected_to_https(server):
    reply = server.request("/api/widgets/", https=False)
    assert reply.status == 301
    assert reply.headers["location"] == \
        server.base_url.replace("http://", "https://") + "/api/widgets/"


def test_api_reads_and_writes_postgresql(server):
    created = server.request("/api/widgets/", method="POST", body={"name": "gear", "quantity": 3})
    assert created.status == 201
    widget = created.json()
    assert widget["name"] == "gear" and widget["quantity"] == 3
    listed = server.request("/api/widgets/")
    assert widget in listed.json()
    assert server.request(f"/api/widgets/{widget['id']}/").json() == widget


def test_unknown_paths_are_djangos_404_and_the_apis_json(server):
    # as a monolith without error views or templates answers them: Django's bare page
    page = server.request("/no/such/page/")
    assert (page.status, page.headers["content-type"]) == (404, "text/html; charset=utf-8")
    assert b"<h1>Not Found</h1>" in page.body
    missing = server.request("/api/widgets/999999/")
    assert (missing.status, missing.json()) == (
        404, {"detail": "No Widget matches the given query."})


def test_request_id_is_echoed_or_generated(server):
    echoed = server.request("/api/widgets/", headers={"X-Request-ID": "gw-42.a"})
    assert echoed.headers["x-request-id"] == "gw-42.a"
    generated = server.request("/no/such/page/")
    assert re.fullmatch(r"[0-9a-f]{32}", generated.headers["x-request-id"])


def test_swagger_ui_is_served(server):
    reply = server.request("/api/docs/")
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("text/html")
    page = reply.body.decode()
    assert "swagger-ui" in page and "/api/schema/" in page


def test_metrics_add_up_across_workers(server):
    """Concurrent requests land on both workers; any worker's /metrics reports them all."""
    def count(reply_text: str) -> float:
        pattern = (r'^http_requests_total\{method="GET",route="/api/widgets/\$",'
                   r'status="200"\} (\S+)$')
        found = re.search(pattern, reply_text, re.MULTILINE)
        return float(found.group(1)) if found else 0.0

    before = count(server.request("/metrics", https=False).body.decode())
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: server.request("/api/widgets/").status, range(60)))
    assert statuses == [200] * 60
    counter_files = list(server.metrics_dir.glob("counter_*.db"))
    assert len(counter_files) >= 2, "all requests went to one worker"
    for _ in range(4):
        scraped = server.request("/metrics", headers={"Host": "10.1.2.3"}, https=False)
        assert scraped.status == 200
        assert scraped.headers["content-type"].startswith("text/plain")
        assert count(scraped.body.decode()) == before + 60


def test_readyz_fails_when_the_database_is_down(service, tmp_path):
    dead = f"postgres://postgres@127.0.0.1:{free_port()}/widgets"
    env = production_env(dead, PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"))
    down, process = start_widgets(service, env, tmp_path / "gunicorn.log", workers=1)
    try:
        assert down.request("/livez", https=False).status == 200
        ready = down.request("/readyz", https=False)
        assert (ready.status, ready.json()) == (
            503, {"status": "unavailable", "databases": {"default": "unavailable"}})
    finally:
        stop(process)
    log_lines = [json.loads(line) for line in (tmp_path / "gunicorn.log").read_text().splitlines()
                 if line.startswith("{")]
    failed = [line for line in log_lines if line["message"] == "readiness check failed"]
    assert failed and failed[0]["level"] == "WARNING" and failed[0]["request_id"]


def test_the_services_own_test_suite_passes(service, database_url):
    out = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], service,
              clean_env(DATABASE_URL=database_url), timeout=300)
    assert re.search(r"\b\d+ passed\b", out) and " failed" not in out


# --- Kubernetes manifests --------------------------------------------------------------------


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_k8s_manifests_validate_strictly(service, version):
    documents = k8s_documents(service)
    assert sorted(documents) == [
        "ConfigMap/widgets", "Deployment/widgets", "HorizontalPodAutoscaler/widgets",
        "Job/widgets-migrate", "PodDisruptionBudget/widgets", "Secret/widgets",
        "Service/widgets"]
    for document in documents.values():
        kubernetes_validate.validate(document, version, strict=True)


def test_strict_validation_catches_a_misspelt_field(service):
    deployment = copy.deepcopy(k8s_documents(service)["Deployment/widgets"])
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbes"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSIONS[0], strict=True)


def test_pods_run_locked_down_with_probes_and_resources(service):
    documents = k8s_documents(service)
    for key in ("Deployment/widgets", "Job/widgets-migrate"):
        pod = documents[key]["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        for container in pod["containers"]:
            context = container["securityContext"]
            assert context["runAsUser"] == 10001
            assert context["readOnlyRootFilesystem"] is True
            assert context["allowPrivilegeEscalation"] is False
            assert context["capabilities"] == {"drop": ["ALL"]}
            assert set(container["resources"]) == {"requests", "limits"}
    container = documents["Deployment/widgets"]["spec"]["template"]["spec"]["containers"][0]
    assert container["startupProbe"]["httpGet"]["path"] == "/livez"
    assert container["livenessProbe"]["httpGet"]["path"] == "/livez"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    hpa = documents["HorizontalPodAutoscaler/widgets"]
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"]["name"] == "widgets"


def test_dockerfile_is_multi_stage_and_runs_as_a_numeric_user(service):
    dockerfile = (service / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM .+ AS \w+$", dockerfile, re.MULTILINE)) == 2
    assert re.findall(r"^USER (.+)$", dockerfile, re.MULTILINE) == ["10001:10001"]
    assert "COPY --from=build /opt/venv /opt/venv" in dockerfile


def test_compose_runs_service_beside_monolith_and_postgres(service):
    compose = yaml.safe_load((service / "compose.yaml").read_text())
    assert set(compose["services"]) == {"db", "monolith", "widgets", "widgets-migrate"}
    widgets = compose["services"]["widgets"]
    assert widgets["environment"]["DATABASE_URL"] == \
        compose["services"]["monolith"]["environment"]["DATABASE_URL"]
    assert widgets["depends_on"]["widgets-migrate"]["condition"] == \
        "service_completed_successfully"
    assert widgets["ports"] == [f"{SPEC.host_port}:{SPEC.port}"]
