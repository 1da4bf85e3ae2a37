"""A real nginx and a real HAProxy, configured by ``decompose route`` + ``decompose proxy``
from an extraction record with a prefix served only below (``children_only_routes``), in
front of two upstreams that answer with their own name: taiga's shape, a retrieve-only viewset
at ``issues/custom-attributes-values`` whose bare paths the monolith's ``issues`` viewset
answers (its router's ``issues/<pk>`` with an optional slash)."""

from __future__ import annotations

import contextlib
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from decompose.model import ExtractionPlan, Location, ProjectGraph, UrlRoute
from decompose.serialize import write_json_atomic
from strangler.command import proxy, route
from tests.strangler import proxies
from tests.strangler.gateway import run

pytestmark = pytest.mark.slow
VALUES = "/api/v1/issues/custom-attributes-values/"
URLS = (UrlRoute(VALUES.rstrip("/"), "custom_attributes", Location("taiga/routers.py", 119)),
        UrlRoute("/api/v1/issue-custom-attributes", "custom_attributes",
                 Location("taiga/routers.py", 120)),
        UrlRoute("/api/v1/issues", "issues", Location("taiga/routers.py", 208)))


@contextlib.contextmanager
def upstream(name: str) -> Iterator[str]:
    """An HTTP server answering every request with ``name``: who the proxy sent it to."""
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(name)))
            self.end_headers()
            self.wfile.write(name.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def extracted(tmp_path: Path) -> Path:
    """The monolith's folder, with its graph, beside the service's extraction record."""
    root = tmp_path / "taiga"
    write_json_atomic(root / "decompose-report" / "graph.json",
                      ProjectGraph("settings", (), (), (), urls=URLS))
    write_json_atomic(tmp_path / "services" / "attrs" / "extraction.json", ExtractionPlan(
        service="attrs", apps=("custom_attributes",),
        routes=(VALUES, "/api/v1/issue-custom-attributes/"), mounts=(), files=(), rewrites=(),
        dependencies=(), inbound=(), transactions=(), mirrors=(),
        children_only_routes=(VALUES,)))
    return root


@pytest.mark.parametrize(("target", "start", "config"), [
    ("nginx", proxies.nginx, "nginx.conf"), ("haproxy", proxies.haproxy, "haproxy.cfg")])
def test_the_bare_paths_of_a_prefix_served_only_below_stay_on_the_monolith(
        tmp_path, target, start, config):
    if shutil.which(target) is None:
        pytest.skip(f"{target} not installed")
    root = extracted(tmp_path)
    port = proxies.free_port()
    with upstream("monolith") as monolith, upstream("attrs") as service:
        run(route, "attrs", "--full", "--project", root, "--upstream", service,
            "--monolith", monolith)
        run(proxy, "--target", target, "--project", root, "--listen", f"127.0.0.1:{port}",
            "--out", tmp_path / "proxy")
        with start(tmp_path / "proxy" / config, port):
            answered = {path: proxies.request(port, path).body.decode() for path in (
                f"{VALUES}3", VALUES, VALUES.rstrip("/"), "/api/v1/issue-custom-attributes",
                "/api/v1/issue-custom-attributes/3", "/api/v1/issues/3")}
    assert answered == {f"{VALUES}3": "attrs", VALUES: "monolith",
                        VALUES.rstrip("/"): "monolith",
                        "/api/v1/issue-custom-attributes": "attrs",
                        "/api/v1/issue-custom-attributes/3": "attrs",
                        "/api/v1/issues/3": "monolith"}


@pytest.mark.parametrize(("target", "manifest"), [
    ("gateway-api", "k8s/httproute-attrs.yaml"), ("istio", "istio/virtualservice-attrs.yaml")])
def test_kubernetes_routes_keep_the_slashed_bare_path_on_the_monolith(tmp_path, target,
                                                                       manifest):
    # The slash-less path is no service's, so the route sending the rest of the site to the
    # monolith gets it; the slashed one is inside the service's prefix: an exact match sends
    # it back, ranked before the prefix (and its overrides).
    root = extracted(tmp_path)
    run(route, "attrs", "--full", "--project", root, "--upstream", "attrs:8000",
        "--monolith", "web:8000")
    run(proxy, "--target", target, "--project", root, "--out", tmp_path / "proxy")  # validated
    text = (tmp_path / "proxy" / manifest).read_text()
    kept = text.split("# paths the monolith keeps inside the service's prefixes\n")[1]
    exact = {"gateway-api": f'type: Exact\n        value: "{VALUES}"',
             "istio": f'exact: "{VALUES}"'}[target]
    assert exact in kept.split("\n  # ")[0]
    assert VALUES.rstrip("/") + '"' not in text
