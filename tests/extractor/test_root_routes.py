"""Moved views the monolith's root URLconf routes itself (tests/fixtures/root_routes,
pretalx's ``common``): the service routes each at the same path, called as the monolith calls
it, and answers there."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from decompose.cli import main
from tests.extractor.projects import analysed_copy
from tests.support.processes import clean_env

GETS = """
import django
django.setup()
from django.test import Client
for path in ["/404", "/410", "/go/?url=x", "/go/abc", "/hello/"]:
    response = Client().get(path, HTTP_HOST="localhost")
    print("GET", path, response.status_code, response.content.decode())
"""


def test_root_routes_keep_their_paths_and_calls_in_the_service(tmp_path: Path):
    shop = analysed_copy("root_routes", tmp_path / "shop")
    main(["extract", "links", "--project", str(shop)])
    service = shop.parent / "services" / "links"
    urls = (service / "config" / "urls.py").read_text()
    assert "from django.urls import path\n" in urls  # nothing included
    assert urls.split('name="api-docs"),\n')[1].split("]\n")[0] == (
        '    path("404", status_page(404)),\n'
        '    path("410", status_page(410), name="gone"),\n'
        '    path("go/", go, name="go"),\n'
        '    path("go/<code>", shortlink, name="shortlink"),\n'
        """    path("hello/", Hello.as_view(greeting='hi'), name="hello"),\n""")
    done = subprocess.run(
        [sys.executable, "-c", GETS], cwd=service, capture_output=True, text=True, timeout=120,
        env=clean_env(DJANGO_SETTINGS_MODULE="config.settings.local", PYTHONPATH=str(service),
                      DATABASE_URL="postgres://u@127.0.0.1:9/none"))
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stdout.splitlines() if line.startswith("GET ")] == [
        "GET /404 404 status 404", "GET /410 410 status 410", 'GET /go/?url=x 200 {"to": "x"}',
        'GET /go/abc 200 {"code": "abc"}', 'GET /hello/ 200 {"greeting": "hi"}']
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."],
                          cwd=service, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout


def test_a_view_built_from_the_urlconfs_own_values_is_refused(tmp_path: Path, capsys):
    shop = analysed_copy("root_routes", tmp_path / "shop", {"config/urls.py": (
        "status_page(410)", "status_page(GONE)")})
    with pytest.raises(SystemExit):
        main(["extract", "links", "--project", str(shop), "--dry-run"])
    assert capsys.readouterr().err == (
        "error: config/urls.py:7: the view routed at /410 is built with 'GONE', not a literal: "
        "route it from a URLconf of the moved app\n")
