"""The monolith's middleware that shapes the moved views' responses runs in the service too
(pretalx's django-minify-html ``MinifyHtmlMiddleware``: its pages were minified in the monolith
only), where the monolith's environment has its package, and so does the middleware of the moved
apps (Tandoor's ``ScopeMiddleware`` sets the ``request.space`` its views read); its sessions,
the middleware of its apps that stay and what is not installed stay with it
(tests/fixtures/staying_names, edited: a page of ledger, Django's ``ConditionalGetMiddleware``
and ``GZipMiddleware`` among others; django-csp's ``CSPMiddleware``, whose package
tests/fixtures/env_csp stands in for, installed from a wheel)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from analyzer.pipeline import build_graph
from decompose.modules import default_site_paths
from decompose.serialize import write_json_atomic
from extractor.plan import build_plan
from tests.extractor.projects import FIXTURES, analysed_copy
from tests.extractor.test_extract_command import django, invoke
from tests.support.postgres import temporary_postgres
from tests.support.processes import clean_env
from tests.support.wheels import pip_install, wheel_of

PAGE_EDITS = {
    "ledger/pages.py": ("", "from django.http import HttpResponse\n\n\n"
                            "def about(request):\n"
                            '    return HttpResponse("<main>" + "<p>ledger</p>" * 40 + '
                            '"</main>")\n'),
    "ledger/urls.py": ("urlpatterns = router.urls\n",
                       "from django.urls import path\n\nfrom ledger.pages import about\n\n"
                       'urlpatterns = [path("about/", about), *router.urls]\n'),
}
EDITS = {
    **PAGE_EDITS,
    "config/settings.py": ("USE_TZ = True\n", "USE_TZ = True\nMIDDLEWARE = [\n"
                           '    "django.middleware.security.SecurityMiddleware",\n'
                           '    "django.contrib.sessions.middleware.SessionMiddleware",\n'
                           '    "django.middleware.http.ConditionalGetMiddleware",\n'
                           '    "config.middleware.StampMiddleware",\n'
                           '    "htmlmin.middleware.HtmlMinifyMiddleware",\n'
                           '    "django.middleware.gzip.GZipMiddleware",\n'
                           "]\n"),
    "config/middleware.py": ("", "class StampMiddleware:\n"
                                 "    def __init__(self, get_response):\n"
                                 "        self.get_response = get_response\n\n"
                                 "    def __call__(self, request):\n"
                                 "        response = self.get_response(request)\n"
                                 '        response["X-Stamp"] = "monolith"\n'
                                 "        return response\n"),
}
GET = """
import django
django.setup()
from django.test import Client
reply = Client().get("/api/ledger/about/", HTTP_ACCEPT_ENCODING="gzip")
print(reply.status_code, reply.get("Content-Encoding"), bool(reply.get("ETag")),
      reply.has_header("X-Stamp"))
"""


def test_the_monoliths_response_middleware_runs_in_the_service(tmp_path: Path):
    root = analysed_copy("staying_names", tmp_path / "monolith", EDITS)
    plan = build_plan(build_graph(root, use_cache=False), root, ["ledger"])
    # htmlmin is not installed in the monolith's environment: the service could not run it
    assert plan.spec.middleware == ("django.middleware.http.ConditionalGetMiddleware",
                                    "django.middleware.gzip.GZipMiddleware")
    out = tmp_path / "service"
    result = invoke("ledger", "--project", str(root), "--out", str(out))
    assert result.exit_code == 0, result.output
    settings = (out / "config/settings/base.py").read_text()
    assert ('    "django.contrib.messages.middleware.MessageMiddleware",\n'
            "    # The monolith's, in its order: what shapes the moved views' responses there "
            "(minifiers,\n"
            "    # compression, security headers), what the third-party apps installed above "
            "need, and\n"
            "    # the moved apps' own (their request state), after the token's user they may "
            "read.\n"
            '    "django.middleware.http.ConditionalGetMiddleware",\n'
            '    "django.middleware.gzip.GZipMiddleware",\n]\n') in settings
    assert "sessions.middleware" not in settings and "StampMiddleware" not in settings
    page = django(out, "-c", GET, settings="config.settings.test")
    assert page.returncode == 0, page.stderr
    assert page.stdout == "200 gzip True False\n"


MOVED_EDITS = {
    "ledger/pages.py": ("", "from django.http import HttpResponse\n\n\n"
                            "def about(request):\n"
                            "    return HttpResponse(request.space)\n"),
    "ledger/urls.py": PAGE_EDITS["ledger/urls.py"],
    "ledger/middleware.py": ("", "class SpaceMiddleware:\n"
                                 "    def __init__(self, get_response):\n"
                                 "        self.get_response = get_response\n\n"
                                 "    def __call__(self, request):\n"
                                 "        if request.user.is_authenticated:  # Tandoor's "
                                 "needs its groups\n"
                                 '            raise LookupError("no space for this user")\n'
                                 "        request.space = (\n"
                                 '            "invited" if "signup_token" in request.session\n'
                                 '            else f"user {request.user.is_authenticated}")\n'
                                 "        return self.get_response(request)\n"),
    "config/settings.py": ("USE_TZ = True\n", "USE_TZ = True\nMIDDLEWARE = [\n"
                           '    "django.contrib.sessions.middleware.SessionMiddleware",\n'
                           '    "django.middleware.gzip.GZipMiddleware",\n'
                           '    "ledger.middleware.SpaceMiddleware",\n'
                           '    "config.middleware.StampMiddleware",\n'
                           '    "django.middleware.http.ConditionalGetMiddleware",\n'
                           "]\n"),
    "config/middleware.py": EDITS["config/middleware.py"],
}
SPACE = """
import django
django.setup()
from django.test import Client
reply = Client().get("/api/ledger/about/")
print(reply.status_code, reply.content.decode(), reply.has_header("X-Stamp"))
"""


@pytest.mark.postgres
def test_the_moved_apps_middleware_runs_in_the_service_in_the_monoliths_order(
        tmp_path: Path):
    root = analysed_copy("staying_names", tmp_path / "monolith", MOVED_EDITS)
    plan = build_plan(build_graph(root, use_cache=False), root, ["ledger"])
    assert plan.spec.middleware == ("django.middleware.gzip.GZipMiddleware",
                                    "ledger.middleware.SpaceMiddleware",
                                    "django.middleware.http.ConditionalGetMiddleware")
    assert plan.spec.moved_middleware == ("ledger.middleware.SpaceMiddleware",)
    out = tmp_path / "service"
    result = invoke("ledger", "--project", str(root), "--out", str(out))
    assert result.exit_code == 0, result.output
    # it reads the session, which the service has not: an empty one, and the token's user
    page = django(out, "-c", SPACE, settings="config.settings.test")
    assert page.returncode == 0, page.stderr
    assert page.stdout == "200 user False False\n"
    # the skeleton's tests of the token's user run on the service's own stack
    with temporary_postgres("ledger") as url:
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                               "tests/test_auth.py"], cwd=out, capture_output=True, text=True,
                              timeout=600, env=clean_env(DATABASE_URL=url, PYTHONPATH=str(out)))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


def test_without_such_middleware_the_service_runs_its_own_stack(tmp_path: Path):
    root = analysed_copy("staying_names", tmp_path / "monolith", PAGE_EDITS)
    plan = build_plan(build_graph(root, use_cache=False), root, ["ledger"])
    assert plan.spec.middleware == ()
    # nor a static storage of its own or signing: Django's storage, a SECRET_KEY of its own
    assert (plan.spec.static_storage, plan.spec.shared_secret_key) == ("", "")
    assert plan.record.environment_settings == ()
    out = tmp_path / "service"
    result = invoke("ledger", "--project", str(root), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "STORAGES" not in (out / "config/settings/base.py").read_text()
    assert "${SERVICE_SECRET_KEY:-compose-only-ledger-secret}" in (
        out / "compose.yaml").read_text()
    page = django(out, "-c", GET, settings="config.settings.test")
    assert page.returncode == 0, page.stderr
    assert page.stdout == "200 None False False\n"


CSP_EDITS = {
    **PAGE_EDITS,
    "config/settings.py": ("", """SECRET_KEY = "fixture"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rest_framework",
    "csp",
    "crm",
    "ledger",
]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
ROOT_URLCONF = "config.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
USE_TZ = True
MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
    "csp.middleware.CSPMiddleware",
]
CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"]}}
"""),
}
HEADER = """
import django
django.setup()
from django.test import Client
print(Client().get("/api/ledger/about/")["Content-Security-Policy"])
"""


def test_a_carried_middleware_reads_the_monoliths_settings_of_its_package(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    site = tmp_path / "site-packages"
    pip_install(wheel_of(FIXTURES / "env_csp" / "csp", tmp_path), site)
    root = analysed_copy("staying_names", tmp_path / "monolith", CSP_EDITS)
    site_paths = (site, *default_site_paths())
    write_json_atomic(root / "decompose-report" / "graph.json",
                      build_graph(root, site_paths=site_paths, use_cache=False))
    monkeypatch.setenv("UV_FIND_LINKS", str(tmp_path))  # the service's lock finds the wheel
    plan = build_plan(build_graph(root, site_paths=site_paths, use_cache=False), root,
                      ["ledger"])
    assert plan.spec.middleware == ("csp.middleware.CSPMiddleware",)
    assert "csp>=1.0,<2" in plan.spec.dependencies  # its series, the monolith pins none
    out = tmp_path / "service"
    result = invoke("ledger", "--project", str(root), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert ("CONTENT_SECURITY_POLICY = {'DIRECTIVES': {'default-src': [\"'self'\"]}}\n"
            in (out / "config/settings/base.py").read_text())
    page = django(out, "-c", HEADER, settings="config.settings.test", site=site)
    assert page.returncode == 0, page.stderr
    assert page.stdout == "default-src 'self'\n"
