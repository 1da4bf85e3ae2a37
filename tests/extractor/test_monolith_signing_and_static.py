"""What the moved pages link and sign is what the monolith's do (pretalx's error pages: its
whitenoise ``CompressedManifestStaticFilesStorage`` links ``base.b992c4a96559.css``, and its
``/redirect/`` links are signed with ``signing.Signer``, which the monolith verifies):

- the service stores static files with the monolith's storage and reads the monolith's
  collected manifest (``DJANGO_STATIC_ROOT``), so a page links the hashed name the monolith
  serves, even of a file only the monolith has;
- moved code that signs with SECRET_KEY makes SECRET_KEY a setting the service must be given
  the monolith's value of (extraction.json ``environment_settings``), and a service given it
  signs what the monolith signs.

tests/fixtures/staying_names, edited: a page of ledger, the monolith's manifest storage and a
stylesheet in its STATICFILES_DIRS."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from django.core import signing

from analyzer.pipeline import build_graph
from extractor.plan import build_plan
from tests.extractor.projects import analysed_copy
from tests.extractor.test_carried_middleware import PAGE_EDITS
from tests.extractor.test_extract_command import django, invoke
from tests.support.processes import clean_env

MANIFEST = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
SETTINGS = f"""from pathlib import Path

SECRET_KEY = "fixture"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "rest_framework",
    "crm",
    "ledger",
]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
ROOT_URLCONF = "config.urls"
DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}}}
USE_TZ = True
STATIC_URL = "/static/"
STATICFILES_DIRS = [Path(__file__).resolve().parent.parent / "assets"]
STATIC_ROOT = Path(__file__).resolve().parent.parent / "collected"
STORAGES = {{"default": {{"BACKEND": "django.core.files.storage.FileSystemStorage"}},
            "staticfiles": {{"BACKEND": "{MANIFEST}"}}}}
"""
EDITS = {
    "config/settings.py": ("", SETTINGS),
    "assets/site.css": ("", "main { color: teal; }\n"),
    "ledger/pages.py": ("", "from django.core import signing\n"
                            "from django.http import HttpResponse\n"
                            "from django.templatetags.static import static\n\n\n"
                            "def about(request):\n"
                            '    link = signing.Signer(salt="ledger-go").sign("https://example.org/")\n'
                            '    return HttpResponse(f\'<link href="{static("site.css")}">\'\n'
                            "                        f'<a href=\"/go/?u={link}\">go</a>')\n"),
    "ledger/urls.py": PAGE_EDITS["ledger/urls.py"],
}
# The service's settings as production runs them (base.py's STORAGES), on test.py's database
# and keys; the monolith's collected folder and SECRET_KEY given as a deployment gives them.
SERVED = "from .test import *  # noqa: F403\nfrom .base import STORAGES  # noqa: F401\n"
GET = """
import os, sys
os.environ["DJANGO_STATIC_ROOT"], os.environ["DJANGO_SECRET_KEY"] = sys.argv[1:3]
import django
django.setup()
from django.test import Client
reply = Client().get("/api/ledger/about/")
print(reply.status_code, reply.content.decode())
"""


def test_the_service_links_and_signs_as_the_monolith(tmp_path: Path):
    root = analysed_copy("staying_names", tmp_path / "monolith", EDITS)
    plan = build_plan(build_graph(root, use_cache=False), root, ["ledger"])
    assert plan.spec.static_storage == MANIFEST
    assert plan.spec.shared_secret_key == "ledger/pages.py:1"
    assert [(s.variable, s.setting, s.required, s.origin)
            for s in plan.record.environment_settings] == [
        ("DJANGO_SECRET_KEY", "SECRET_KEY", True, "config/settings.py:3")]
    collected = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                               cwd=root, env=clean_env(), capture_output=True, text=True,
                               timeout=120)
    assert collected.returncode == 0, collected.stderr
    hashed = next(p.name for p in (root / "collected").glob("site.*.css"))
    out = tmp_path / "service"
    result = invoke("ledger", "--project", str(root), "--out", str(out))
    assert result.exit_code == 0, result.output
    settings = (out / "config/settings/base.py").read_text()
    assert ('STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / '
            '"staticfiles")))\n') in settings
    assert f'    "staticfiles": {{"BACKEND": "{MANIFEST}"}},\n' in settings
    assert '    "django.contrib.staticfiles",\n' in settings
    assert ("      DJANGO_SECRET_KEY: ${MONOLITH_SECRET_KEY:-compose-only-monolith-secret}\n"
            ) in (out / "compose.yaml").read_text().split("  ledger-migrate:")[1]
    report = (out / "EXTRACTION.md").read_text()
    assert "## The monolith's SECRET_KEY\n\nThe moved code signs with Django's `SECRET_KEY` " \
           "(`ledger/pages.py:1`)" in report
    assert f"## Static files\n\nThe monolith stores its static files with `{MANIFEST}`" in report
    assert not (out / "assets").exists()  # the stylesheet is only the monolith's
    (out / "config/settings/served.py").write_text(SERVED)
    page = django(out, "-c", GET, str(root / "collected"), "fixture",
                  settings="config.settings.served")
    assert page.returncode == 0, page.stderr
    link = signing.Signer(key="fixture", salt="ledger-go", fallback_keys=[]).sign("https://example.org/")
    assert page.stdout == (f'200 <link href="/static/{hashed}"><a href="/go/?u={link}">go</a>'
                           "\n")
    tests = django(out, "-c", GET, "", "another",
                   settings="config.settings.test")
    assert tests.returncode == 0, tests.stderr  # no manifest in the tests: names as they are
    assert tests.stdout.startswith('200 <link href="/static/site.css">')
