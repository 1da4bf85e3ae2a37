"""The service answers errors outside DRF's views as the monolith does, and renders the
monolith's pages with its context processors (tests/fixtures/tuple_shop, extended): kiwi's
``/bugs/`` (a mount with no view of its own) was the monolith's HTML 404 page and the service's
JSON; its navigation menus and page size, filled in by a context processor of an app that
stays (``{"SETTINGS": settings}``), were empty in the service."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from extractor.command import extract
from extractor.plan.error_pages import ErrorHandler, error_handlers
from extractor.plan.source import Source
from tests.extractor.projects import analysed_copy

ROUTES = '    path("pages/titles/", page_titles, name="page-titles"),\n]\n'
EDITS = {
    # the handlers: of a moved app, of a kernel module (copied), of an app that stays
    "config/urls.py": (ROUTES, ROUTES + (
        "\nfrom billing import views as billing_views  # noqa: E402\n"
        "from kernel.errors import forbidden  # noqa: E402\n\n"
        "handler400 = billing_views.bad_request\n"
        "handler403 = forbidden\n"
        'handler500 = "audit.views.server_error"\n')),
    "config/settings.py": ("USE_TZ = True\n", (
        'USE_TZ = True\nSHOP_NAME = "Tuple Shop"\nPAGE_SIZE = 25\n'
        'MENU = [("Titles", "/pages/titles/"), ("Notes", "/api/v1/notes/")]\n'
        'TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", '
        '"OPTIONS": {"context_processors": ["kernel.context_processors.shop"]}}]\n')),
    "kernel/context_processors.py": ("", "from django.conf import settings\n\n\n"
                                         "def shop(request):\n"
                                         "    return {'SETTINGS': settings}\n"),
    "kernel/errors.py": ("", "from django.http import HttpResponseForbidden\n\n\n"
                             "def forbidden(request, exception):\n"
                             "    return HttpResponseForbidden('the shop forbids it')\n"),
    "billing/views.py": ("from rest_framework import viewsets\n", (
        "from django.http import HttpResponseBadRequest\nfrom django.urls import reverse\n"
        "from rest_framework import viewsets\n"
        "\n\ndef bad_request(request, exception):\n"
        "    return HttpResponseBadRequest('billing cannot read it')\n"
        "\n\ndef board_notes(slug):  # a page of the notes app, which stays\n"
        "    return reverse('notes-by-slug', args=[slug])\n")),
    "audit/views.py": ("def entries(request):", (
        "def server_error(request):\n"
        "    return JsonResponse({'error': 'audit failed'}, status=500)\n\n\n"
        "def entries(request):")),
    # the project's pages: its 404 extends its base, which its context processor fills in
    "templates/base.html": ("", (
        '<title>{{ SETTINGS.SHOP_NAME }}</title><nav data-size="{{ SETTINGS.PAGE_SIZE }}">'
        '{% for label, url in SETTINGS.MENU %}<a href="{{ url }}">{{ label }}</a>{% endfor %}'
        '<a href="{% url "page-titles" %}">titles</a></nav>{% block body %}{% endblock %}')),
    "templates/404.html": ("", '{% extends "base.html" %}{% block body %}'
                               'no such page{% endblock %}'),
    "templates/500.html": ("", "the shop failed"),
}


def served(tmp_path: Path) -> tuple[Path, str]:
    """The billing service extracted from the extended shop, and its EXTRACTION.md."""
    shop = analysed_copy("tuple_shop", tmp_path / "shop", EDITS)
    service = tmp_path / "service"
    result = CliRunner().invoke(extract, ["billing", "--project", str(shop), "--out",
                                          str(service)])
    assert result.exit_code == 0, result.output
    return service, (service / "EXTRACTION.md").read_text()


def ask(service: Path, code: str) -> str:
    """What ``code`` prints, run by Django set up with the service's test settings (no
    database: the pages asked read none)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.test", PYTHONPATH=str(service),
               DATABASE_URL="postgres://u@127.0.0.1:9/none")
    done = subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + code],
                          cwd=service, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_root_urlconfs_handlers_are_read_as_dotted_paths(tmp_path: Path):
    shop = analysed_copy("tuple_shop", tmp_path / "shop", EDITS)
    source = Source(shop, (), ".")
    assert error_handlers(source, "config/urls.py") == (
        ErrorHandler("handler400", "billing.views.bad_request", 22),
        ErrorHandler("handler403", "kernel.errors.forbidden", 23),
        ErrorHandler("handler500", "audit.views.server_error", 24))
    assert error_handlers(source, "notes/views.py") == ()


def test_errors_are_answered_as_the_monolith_answers_them(tmp_path: Path):
    service, report = served(tmp_path)
    urls = (service / "config" / "urls.py").read_text()
    # the moved app's and the kernel's handlers are the service's; the staying app's is not
    assert ('handler400 = "billing.views.bad_request"\n'
            'handler403 = "kernel.errors.forbidden"\n') in urls
    assert "handler404" not in urls and "handler500" not in urls
    assert (service / "kernel" / "errors.py").is_file()
    assert ("the monolith's handler500 audit.views.server_error is of an app that stays and "
            "cannot be copied: the service answers with Django's default view (and the "
            "project's error template)") in " ".join(report.split())
    printed = ask(service, (
        "from django.test import Client, override_settings\n"
        "client = Client(raise_request_exception=False)\n"
        "page = client.get('/no/such/page/')\n"
        "print(page.status_code, page.content.decode())\n"
        "with override_settings(ROOT_URLCONF='tests.urls'):\n"
        "    crash = client.get('/crash/')\n"
        "print(crash.status_code, crash.content.decode())\n"
        "from django.urls import get_resolver\n"
        "for code in (400, 403):\n"
        "    print(code, get_resolver().resolve_error_handler(code)(None, None).content)\n"))
    assert printed.splitlines() == [
        # Django's default view, the project's 404.html through its base and processor
        '404 <title>Tuple Shop</title><nav data-size="25"><a href="/pages/titles/">Titles</a>'
        '<a href="/api/v1/notes/">Notes</a><a href="/pages/titles/">titles</a></nav>'
        'no such page',
        "500 the shop failed",
        "400 b'billing cannot read it'",
        "403 b'the shop forbids it'"]


def test_the_monoliths_context_processor_of_an_app_that_stays_is_copied(tmp_path: Path):
    service, _ = served(tmp_path)
    base = (service / "config" / "settings" / "base.py").read_text()
    assert '"kernel.context_processors.shop",' in base
    assert (service / "kernel" / "context_processors.py").is_file()
    # the settings its templates read through it are carried
    assert "SHOP_NAME = 'Tuple Shop'" in base and "PAGE_SIZE = 25" in base
    assert "MENU = [['Titles', '/pages/titles/'], ['Notes', '/api/v1/notes/']]" in base


def test_a_monolith_page_the_moved_code_reverses_is_the_monoliths_path(tmp_path: Path):
    service, _ = served(tmp_path)
    assert ask(service, "from billing.views import board_notes\nprint(board_notes('q4'))"
               ) == "/boards/q4/notes/\n"
