"""TLS termination: certificate paths in, checked, saved, and loaded by the real proxies."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from click.testing import CliRunner

from decompose.errors import ConfigError, ValidationFailed
from strangler.command import proxy, route
from tests.strangler import proxies
from tests.strangler.test_command import project, run

pytestmark = pytest.mark.skipif(not (shutil.which("nginx") and shutil.which("haproxy")
                                     and shutil.which("openssl")),
                                reason="nginx, haproxy and openssl needed")


def self_signed(folder, name):
    cert, key = folder / f"{name}.crt", folder / f"{name}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def routed(tmp_path):
    root = project(tmp_path / "shop")
    run(route, "orders", "--apps", "orders", "--percent", "10", "--project", root,
        "--upstream", "127.0.0.1:9002", "--monolith", "127.0.0.1:9001")
    return root


def test_nginx_terminates_tls_and_its_status_answers_over_https(tmp_path):
    root = routed(tmp_path)
    cert, key = self_signed(tmp_path, "gateway")
    _, other_key = self_signed(tmp_path, "other")
    mismatched = CliRunner().invoke(proxy, ["--target", "nginx", "--project", str(root),
                                            "--tls-cert", str(cert), "--tls-key", str(other_key)])
    assert isinstance(mismatched.exception, ValidationFailed)
    assert "key values mismatch" in str(mismatched.exception)
    assert not (root / "proxy" / "nginx.conf").exists()
    assert "tls" not in (root / "decompose.toml").read_text()  # refused flags are not saved

    port = proxies.free_port()
    run(proxy, "--target", "nginx", "--project", root, "--listen", f"127.0.0.1:{port}",
        "--tls-cert", cert, "--tls-key", key)
    config = (root / "proxy" / "nginx.conf").read_text()
    assert f"listen 127.0.0.1:{port} ssl;\n        ssl_certificate {cert};" in config
    with proxies.nginx(root / "proxy" / "nginx.conf", port):
        shown = run(route, "--status", "--project", root).output
    assert f"(https://127.0.0.1:{port}/_decompose/status)" in shown
    assert "  live   percent: 10% of clients on the service\n" in shown


def test_haproxy_takes_the_key_from_the_certificate_file(tmp_path):
    root = routed(tmp_path)
    cert, key = self_signed(tmp_path, "gateway")
    refused = CliRunner().invoke(proxy, ["--target", "haproxy", "--project", str(root),
                                         "--tls-cert", str(cert), "--tls-key", str(key)])
    assert isinstance(refused.exception, ConfigError)
    assert "HAProxy reads the private key from the certificate file or from CERT.key" in \
        str(refused.exception)
    both = tmp_path / "gateway.pem"
    both.write_text(cert.read_text() + key.read_text())
    run(proxy, "--target", "haproxy", "--project", root, "--tls-cert", both, "--tls-key", both)
    assert f"bind 127.0.0.1:8080 ssl crt {both}\n" in (root / "proxy" / "haproxy.cfg").read_text()
