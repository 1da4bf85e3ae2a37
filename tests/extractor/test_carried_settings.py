"""Settings the moved code reads that the monolith computes (tests/fixtures/tuple_shop, its
settings extended): evaluated statically and carried with their value, environment reads
carried as the same read with the monolith's default, the rest required from the service's
environment with the monolith's expression and path:line documented; none dropped."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from django.conf import global_settings

from decompose.model import (
    GRAPH_SCHEMA_VERSION,
    Location,
    ProjectGraph,
    SettingsFacts,
    SettingValue,
)
from decompose.serialize import read_json
from extractor.command import extract
from extractor.plan import build_plan
from extractor.plan.settings import (
    CHECK_PLACEHOLDER,
    carried_settings,
    environment_text,
    settings_read_by,
)
from extractor.plan.source import Source
from extractor.render import render_service
from extractor.spec import CarriedSetting
from extractor.writer import render_report
from tests.extractor.projects import analysed_copy
from tests.extractor.test_extract_command import django

SETTINGS = '''USE_TZ = True

import os  # noqa: E402 (the fixture's settings, extended here)

BASE_CURRENCY = "eur"
BILLING_CURRENCY = BASE_CURRENCY.upper()
PAYMENT_TERMS_DAYS = 7 * 4
INVOICE_PREFIX = os.environ.get("BILLING_INVOICE_PREFIX", "INV-")
BILLING_API_URL = os.environ["BILLING_API_URL"]
BILLING_WORKERS = os.cpu_count()
LOCALE_PATHS = (os.path.join(os.getcwd(), "locale"),)
LANGUAGE_CODE = "de" if os.cpu_count() else "en"
LANGUAGES = [(code, code) for code in os.listdir("locale")]
'''
READS = '''

from django.conf import settings  # noqa: E402


def invoice_label(number: int) -> str:
    return (f"{settings.INVOICE_PREFIX}{number} {settings.BILLING_CURRENCY} "
            f"{settings.PAYMENT_TERMS_DAYS} {settings.BILLING_API_URL} "
            f"{settings.BILLING_WORKERS} {settings.USE_TZ} {settings.LOCALE_PATHS} "
            f"{settings.LANGUAGE_CODE} {settings.LANGUAGES}")
'''


def extracted(tmp_path: Path, settings: tuple[str, str] = ("USE_TZ = True\n", SETTINGS),
              reads: str = READS):
    """The graph and billing's plan of tuple_shop with ``settings`` edited as (old, new) and
    ``reads`` added to billing/totals.py."""
    shop = analysed_copy("tuple_shop", tmp_path / "shop", {
        "config/settings.py": settings,
        "billing/totals.py": ("for invoice in invoices)\n", "for invoice in invoices)\n" + reads),
    })
    graph = read_json(shop / "decompose-report" / "graph.json", ProjectGraph,
                      schema_version=GRAPH_SCHEMA_VERSION)
    return graph, build_plan(graph, shop, ["billing"])


def test_computed_settings_are_carried_with_their_value_or_as_environment_variables(
        tmp_path: Path):
    graph, plan = extracted(tmp_path)
    assert graph.settings is not None
    assert [v for v in graph.settings.values if v.name.startswith(("BILLING", "INVOICE"))] == [
        SettingValue("BILLING_API_URL", Location("config/settings.py", 23), opaque=True,
                     expression="os.environ['BILLING_API_URL']", environment="BILLING_API_URL"),
        SettingValue("BILLING_CURRENCY", Location("config/settings.py", 20), "EUR"),
        SettingValue("BILLING_WORKERS", Location("config/settings.py", 24), opaque=True,
                     expression="os.cpu_count()"),
        SettingValue("INVOICE_PREFIX", Location("config/settings.py", 22), "INV-",
                     expression="os.environ.get('BILLING_INVOICE_PREFIX', 'INV-')",
                     environment="BILLING_INVOICE_PREFIX")]
    # USE_TZ is the service's own; everything else the moved code reads is carried.
    assert plan.spec.monolith_settings == (
        CarriedSetting("BILLING_API_URL", 'env("BILLING_API_URL")', "BILLING_API_URL", "",
                       "config/settings.py:23", "os.environ['BILLING_API_URL']",
                       CHECK_PLACEHOLDER, "env"),
        CarriedSetting("BILLING_CURRENCY", "'EUR'"),
        CarriedSetting("BILLING_WORKERS", 'env("BILLING_WORKERS")', "BILLING_WORKERS", "",
                       "config/settings.py:24", "os.cpu_count()", CHECK_PLACEHOLDER, "env"),
        CarriedSetting("INVOICE_PREFIX", "env(\"BILLING_INVOICE_PREFIX\", default='INV-')",
                       "BILLING_INVOICE_PREFIX", "'INV-'", "config/settings.py:22",
                       "os.environ.get('BILLING_INVOICE_PREFIX', 'INV-')", reader="env"),
        # Django's own settings (pretalx's): read as the type of Django's default, which
        # the test settings give them
        CarriedSetting("LANGUAGES", 'env.json("LANGUAGES")', "LANGUAGES", "",
                       "config/settings.py:27",
                       "[(code, code) for code in os.listdir('locale')]",
                       json.dumps(global_settings.LANGUAGES), "env.json"),  # pairs: no list
        CarriedSetting("LANGUAGE_CODE", 'env("LANGUAGE_CODE")', "LANGUAGE_CODE", "",
                       "config/settings.py:26", "'de' if os.cpu_count() else 'en'", "en-us",
                       "env"),
        CarriedSetting("LOCALE_PATHS", 'env.list("LOCALE_PATHS")', "LOCALE_PATHS", "",
                       "config/settings.py:25", "(os.path.join(os.getcwd(), 'locale'),)", "",
                       "env.list"),
        CarriedSetting("PAYMENT_TERMS_DAYS", "28"))


def test_the_service_reads_them_and_extraction_md_says_where_they_come_from(tmp_path: Path):
    _, plan = extracted(tmp_path)
    service = tmp_path / "service"
    render_service(plan.spec, service)
    base = (service / "config" / "settings" / "base.py").read_text()
    ast.parse(base)
    assert base.endswith(
        "# The monolith's own settings that the moved code reads, as they were at extraction.\n"
        "# Those the monolith reads from the environment or computes at run time are environment\n"
        "# variables here (EXTRACTION.md, \"Settings read from the environment\").\n"
        "# " + "-" * 78 + "\n"
        'BILLING_API_URL = env("BILLING_API_URL")\n'
        "BILLING_CURRENCY = 'EUR'\n"
        'BILLING_WORKERS = env("BILLING_WORKERS")\n'
        "INVOICE_PREFIX = env(\"BILLING_INVOICE_PREFIX\", default='INV-')\n"
        'LANGUAGES = env.json("LANGUAGES")\n'
        'LANGUAGE_CODE = env("LANGUAGE_CODE")\n'
        'LOCALE_PATHS = env.list("LOCALE_PATHS")\n'
        "PAYMENT_TERMS_DAYS = 28\n")
    compose = yaml.safe_load((service / "compose.yaml").read_text())
    environment = compose["services"]["billing-migrate"]["environment"]
    assert {k: v for k, v in environment.items() if k.startswith(("BILLING", "L"))} == {
        "BILLING_API_URL": "${BILLING_API_URL:?set it to the monolith's value}",
        "BILLING_WORKERS": "${BILLING_WORKERS:?set it to the monolith's value}",
        "LANGUAGE_CODE": "${LANGUAGE_CODE:?set it to the monolith's value}",
        "LANGUAGES": "${LANGUAGES:?set it to the monolith's value}",
        "LOCALE_PATHS": "${LOCALE_PATHS:?set it to the monolith's value}"}
    assert (service / "k8s" / "configmap.yaml").read_text().endswith(
        "  DJANGO_LOG_LEVEL: INFO\n"
        "  # Required, not set here: the monolith's settings it computes when it starts "
        "(EXTRACTION.md,\n"
        "  # \"Settings read from the environment\"). Add each with the monolith's value "
        "(secret.yaml\n"
        "  # for a secret); the pods refuse to start without them.\n"
        "  # BILLING_API_URL: the monolith has os.environ['BILLING_API_URL'] at "
        "config/settings.py:23\n"
        "  # BILLING_WORKERS: the monolith has os.cpu_count() at config/settings.py:24\n"
        "  # LANGUAGES: the monolith has [(code, code) for code in os.listdir('locale')] at "
        "config/settings.py:27\n"
        "  # LANGUAGE_CODE: the monolith has 'de' if os.cpu_count() else 'en' at "
        "config/settings.py:26\n"
        "  # LOCALE_PATHS: the monolith has (os.path.join(os.getcwd(), 'locale'),) at "
        "config/settings.py:25\n")
    report = render_report(plan, plan.record, [])
    section = report.split("## Settings read from the environment\n")[1].split("\n## ")[0]
    assert section.strip().splitlines()[-6:] == [
        "- `BILLING_API_URL` from `BILLING_API_URL`, **required**: the monolith has "
        "`os.environ['BILLING_API_URL']` at `config/settings.py:23`",
        "- `BILLING_WORKERS` from `BILLING_WORKERS`, **required**: the monolith has "
        "`os.cpu_count()` at `config/settings.py:24`",
        "- `INVOICE_PREFIX` from `BILLING_INVOICE_PREFIX`, default `'INV-'`: the monolith has "
        "`os.environ.get('BILLING_INVOICE_PREFIX', 'INV-')` at `config/settings.py:22`",
        "- `LANGUAGES` from `LANGUAGES`, **required**: the monolith has "
        "`[(code, code) for code in os.listdir('locale')]` at `config/settings.py:27`",
        "- `LANGUAGE_CODE` from `LANGUAGE_CODE`, **required**: the monolith has "
        "`'de' if os.cpu_count() else 'en'` at `config/settings.py:26`",
        "- `LOCALE_PATHS` from `LOCALE_PATHS`, **required**: the monolith has "
        "`(os.path.join(os.getcwd(), 'locale'),)` at `config/settings.py:25`"]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """billing of tuple_shop with SETTINGS and READS, written by ``decompose extract``."""
    folder = tmp_path_factory.mktemp("carried")
    shop = analysed_copy("tuple_shop", folder / "shop", {
        "config/settings.py": ("USE_TZ = True\n", SETTINGS),
        "billing/totals.py": ("for invoice in invoices)\n", "for invoice in invoices)\n" + READS),
    })
    result = CliRunner().invoke(extract, ["billing", "--project", str(shop), "--out",
                                          str(folder / "service")])
    assert result.exit_code == 0, result.output
    return folder / "service"


def test_required_ones_hold_a_placeholder_in_the_test_settings_only(service: Path):
    # pretalx's ADMINS, computed from its config file: `manage.py spectacular` (run with the
    # test settings) stopped on "Set the ADMINS environment variable", and so would the suite.
    assert [p.relative_to(service).as_posix() for p in sorted(service.rglob("*.py"))
            if CHECK_PLACEHOLDER in p.read_text()] == ["config/settings/placeholders.py"]
    ruff = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."],
                          cwd=service, capture_output=True, text=True, timeout=60)
    assert ruff.returncode == 0, ruff.stdout  # LANGUAGES' long JSON, split into short lines
    local = django(service, "manage.py", "check")  # config.settings.local
    assert local.stderr.splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: Set the BILLING_API_URL environment "
        "variable")


def test_extraction_json_lists_them_for_the_deployment(service: Path):
    record = json.loads((service / "extraction.json").read_text())
    assert record["environment_settings"] == [
        {"variable": "BILLING_API_URL", "setting": "BILLING_API_URL", "required": True,
         "reader": "env", "expression": "os.environ['BILLING_API_URL']",
         "origin": "config/settings.py:23", "default": ""},
        {"variable": "BILLING_INVOICE_PREFIX", "setting": "INVOICE_PREFIX", "required": False,
         "reader": "env", "expression": "os.environ.get('BILLING_INVOICE_PREFIX', 'INV-')",
         "origin": "config/settings.py:22", "default": "'INV-'"},
        {"variable": "BILLING_WORKERS", "setting": "BILLING_WORKERS", "required": True,
         "reader": "env", "expression": "os.cpu_count()", "origin": "config/settings.py:24",
         "default": ""},
        {"variable": "LANGUAGES", "setting": "LANGUAGES", "required": True, "reader": "env.json",
         "expression": "[(code, code) for code in os.listdir('locale')]",
         "origin": "config/settings.py:27", "default": ""},
        {"variable": "LANGUAGE_CODE", "setting": "LANGUAGE_CODE", "required": True,
         "reader": "env", "expression": "'de' if os.cpu_count() else 'en'",
         "origin": "config/settings.py:26", "default": ""},
        {"variable": "LOCALE_PATHS", "setting": "LOCALE_PATHS", "required": True,
         "reader": "env.list", "expression": "(os.path.join(os.getcwd(), 'locale'),)",
         "origin": "config/settings.py:25", "default": ""}]


def test_the_monolith_values_written_for_their_readers_are_what_the_service_reads(
        service: Path):
    # what the corpus benchmark gives the service: each value the monolith computed, as text
    monolith = {"BILLING_API_URL": "https://billing.example/api?a=1,b=2",
                "INVOICE_PREFIX": "INV-2026-", "BILLING_WORKERS": "4",
                "LANGUAGES": [["de", "Deutsch"], ["pt-br", "Português, Brasil"]],
                "LANGUAGE_CODE": "de", "LOCALE_PATHS": ["/srv/locale", "/srv/more"]}
    record = json.loads((service / "extraction.json").read_text())["environment_settings"]
    variables = {item["variable"]: environment_text(monolith[item["setting"]], item["reader"])
                 for item in record}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(variables, DJANGO_SETTINGS_MODULE="config.settings.local", PYTHONPATH=str(service),
               DATABASE_URL="postgres://u@127.0.0.1:9/none")
    done = subprocess.run([sys.executable, "-c", "import json; from django.conf import "
                           f"settings; print(json.dumps({{n: getattr(settings, n) for n in "
                           f"{sorted(monolith)!r}}}))"], cwd=service, env=env,
                          capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(done.stdout) == monolith


def test_a_value_its_reader_cannot_give_back_is_refused_with_the_reason():
    assert environment_text((True, 3), "env.json") == "[true, 3]"
    assert environment_text(["a", "b"], "env.list") == "a,b"
    assert (environment_text(False, "env.bool"), environment_text(0.5, "env.float")) == (
        "false", "0.5")
    for value, reader, reason in (
            (4, "env", "env reads str and it is int: 4"),  # an opaque setting read as text
            (["a,b"], "env.list", "env.list reads texts separated by commas, and it is ['a,b']"),
            ({1: "a"}, "env.json", "env.json reads JSON, which would change it (keys that "
                                   "are not text)"),
            (object, "env.json", "env.json reads JSON, and it is not: Object of type type is "
                                 "not JSON serializable"),
            ("$HOME", "env", "django-environ reads a text starting with $ as the name of "
                             "another variable")):
        with pytest.raises(ValueError) as refused:
            environment_text(value, reader)
        assert str(refused.value) == reason


def test_a_django_list_setting_of_texts_with_commas_is_read_as_json():
    facts = SettingsFacts(".", values=(SettingValue(
        "DATE_INPUT_FORMATS", Location("config/settings.py", 3), opaque=True,
        expression="formats()"),))
    carried, = carried_settings(facts, {"DATE_INPUT_FORMATS"},
                                {"DATE_INPUT_FORMATS": global_settings.DATE_INPUT_FORMATS})
    assert (carried.reader, json.loads(carried.placeholder or "")) == (
        "env.json", global_settings.DATE_INPUT_FORMATS)  # "%b %d, %Y": env.list splits it


TANDOOR_SETTINGS = """\
import os


def extract_comma_list(env_key, default=None):
    if os.getenv(env_key):
        return [item.strip() for item in os.getenv(env_key).split(',')]
    else:
        if default:
            return [default]
        else:
            return []


def either(key):
    if key:
        return []
    return os.getenv(key)


LOCAL_STORAGE_PATHS = extract_comma_list('LOCAL_STORAGE_PATHS', os.path.join(MEDIA, 'local'))
MIXED = either('MIXED')
"""


def test_a_setting_a_helper_of_the_settings_computes_is_read_as_what_it_returns(
        tmp_path: Path):
    """tandoor's LOCAL_STORAGE_PATHS: its own extract_comma_list returns a list each way (a
    str reader gave the service text, iterated a character at a time); a helper whose returns
    disagree says nothing."""
    def opaque(name: str, expression: str) -> SettingValue:
        return SettingValue(name, Location("recipes/settings.py", 20), opaque=True,
                            expression=expression)
    facts = SettingsFacts(".", values=(
        opaque("LOCAL_STORAGE_PATHS", "extract_comma_list('LOCAL_STORAGE_PATHS', "
                                      "os.path.join(MEDIA, 'local'))"),
        opaque("MIXED", "either('MIXED')")))
    (tmp_path / "recipes").mkdir()
    (tmp_path / "recipes" / "settings.py").write_text(TANDOOR_SETTINGS)
    carried = carried_settings(facts, {"LOCAL_STORAGE_PATHS", "MIXED"}, {},
                               Source(tmp_path, (), "."))
    assert [(c.name, c.source) for c in carried] == [
        ("LOCAL_STORAGE_PATHS", 'env.list("LOCAL_STORAGE_PATHS")'), ("MIXED", 'env("MIXED")')]


def test_pretalxs_computed_settings_are_read_as_the_types_they_compute():
    def opaque(name: str, expression: str) -> SettingValue:
        return SettingValue(name, Location("pretalx/settings.py", 1), opaque=True,
                            expression=expression)
    facts = SettingsFacts(".", values=(
        opaque("DEBUG", "config.getboolean('site', 'debug')"),
        opaque("VITE_DEV_MODE", "DEBUG"),
        opaque("FILE_UPLOAD_DEFAULT_LIMIT", "int(config.get('files', 'upload_limit')) * 1024"),
        opaque("SESSION_COOKIE_DOMAIN", "config.get('site', 'cookie_domain')")))
    carried = carried_settings(facts, {"VITE_DEV_MODE", "FILE_UPLOAD_DEFAULT_LIMIT",
                                       "SESSION_COOKIE_DOMAIN"},
                               {"DEBUG": False, "SESSION_COOKIE_DOMAIN": None})
    assert [(c.name, c.source, c.default, c.placeholder) for c in carried] == [
        ("FILE_UPLOAD_DEFAULT_LIMIT", 'env.int("FILE_UPLOAD_DEFAULT_LIMIT")', "", "0"),
        # Django's default None: unset is None, as in Django (a required env() cannot be)
        ("SESSION_COOKIE_DOMAIN", 'env("SESSION_COOKIE_DOMAIN", default=None)', "None", None),
        ("VITE_DEV_MODE", 'env.bool("VITE_DEV_MODE")', "", "false")]


def test_an_app_the_moved_code_imports_a_module_of_is_installed_in_the_service(
        tmp_path: Path):
    _, plan = extracted(tmp_path, ('    "rest_framework",\n', '    "rest_framework",\n'
                                   '    "django_filters",\n    "drf_spectacular",\n'),
                        "\n\nfrom django_filters.filters import CharFilter  # noqa: E402\n"
                        "from drf_spectacular.utils import extend_schema  # noqa: E402\n")
    # drf_spectacular is one the service installs already
    assert plan.spec.third_party_apps == ("django_filters",)


def test_the_service_takes_the_monolith_locale(tmp_path: Path):
    # taiga's LANGUAGE_CODE "en": the moved admin's <html lang> was the skeleton's "en-us"
    _, plan = extracted(tmp_path, ("USE_TZ = True\n", 'USE_TZ = False\nLANGUAGE_CODE = "en"\n'
                                   'TIME_ZONE = "Europe/Madrid"\n'), "")
    render_service(plan.spec, tmp_path / "service")
    base = (tmp_path / "service" / "config" / "settings" / "base.py").read_text()
    assert ('TIME_ZONE = "Europe/Madrid"\nLANGUAGE_CODE = "en"\nUSE_I18N = True\n'
            "USE_TZ = False\n") in base


def test_the_service_links_static_files_where_the_monolith_does(tmp_path: Path):
    # taiga's absolute STATIC_URL: the moved admin linked /static/ while the monolith's pages
    # link http://localhost:8000/static/ (the proxy keeps static files on the monolith)
    _, plan = extracted(tmp_path, ("USE_TZ = True\n", 'USE_TZ = True\n'
                                   'STATIC_URL = "http://localhost:8000/static/"\n'), "")
    render_service(plan.spec, tmp_path / "service")
    base = (tmp_path / "service" / "config" / "settings" / "base.py").read_text()
    assert ('STATIC_URL = env("DJANGO_STATIC_URL", default="http://localhost:8000/static/")'
            in base)
    _, quoted = extracted(tmp_path / "q", ("USE_TZ = True\n", 'USE_TZ = True\n'
                                           'STATIC_URL = "/st\\"atic/"\n'), "")
    assert quoted.spec.static_url == "/static/"  # not a URL to write into a Python literal


def test_the_service_picks_each_requests_language_as_the_monolith_does(tmp_path: Path):
    # taiga's LocaleMiddleware and LANGUAGES: its admin is served in "en", the supported
    # variant of its LANGUAGE_CODE "en-us"; the service rendered <html lang="en-us">
    edit = ("USE_TZ = True\n", 'USE_TZ = True\nLANGUAGE_CODE = "en-us"\n'
            'LANGUAGES = [("en", "English (US)"), ("es", "Español")]\n'
            'MIDDLEWARE = ["django.middleware.locale.LocaleMiddleware"]\n')
    _, plan = extracted(tmp_path, edit, "")
    service = tmp_path / "service"
    render_service(plan.spec, service)
    base = (service / "config" / "settings" / "base.py").read_text()
    assert "LANGUAGES = [\n    ('en', 'English (US)'),\n    ('es', 'Español'),\n]\n" in base
    assert base.index('"django.middleware.security.SecurityMiddleware"') < base.index(
        '"django.middleware.locale.LocaleMiddleware"') < base.index(
        '"django.middleware.common.CommonMiddleware"')


def test_the_monolith_context_processors_and_builtins_the_service_has_render_its_pages(
        tmp_path: Path):
    # pretalx's moved common app: its locale_context gave the pages html_locale, its
    # components builtins their {% alert %} tags; orga's processor stays with orga
    templates = ('TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates",'
                 ' "DIRS": [os.getcwd()], "OPTIONS": {"context_processors": ['
                 '"django.template.context_processors.request", '
                 '"django.template.context_processors.i18n", '
                 '"billing.context_processors.currency", "audit.context_processors.trail"], '
                 '"builtins": ["billing.templatetags.money"]}}]\n')
    shop = analysed_copy("tuple_shop", tmp_path / "shop", {
        "config/settings.py": ("USE_TZ = True\n", "USE_TZ = True\nimport os  # noqa: E402\n"
                               + templates),
        "billing/context_processors.py": ("", "def currency(request):\n"
                                              "    return {'currency': 'EUR'}\n"),
        "billing/templatetags/__init__.py": ("", ""),
        "billing/templatetags/money.py": ("", "from django import template\n\n"
                                              "register = template.Library()\n\n\n"
                                              "@register.simple_tag\ndef money(amount):\n"
                                              "    return f'{amount:.2f}'\n"),
    })
    service = tmp_path / "service"
    result = CliRunner().invoke(extract, ["billing", "--project", str(shop), "--out",
                                          str(service)])
    assert result.exit_code == 0, result.output
    report = (service / "EXTRACTION.md").read_text()
    assert ("the monolith's template option audit.context_processors.trail is of an app that "
            "stays: the moved pages render without it") in report
    assert _rendered(service, "{% money 3 %} {{ currency }} {{ LANGUAGE_CODE }}") == (
        "3.00 EUR en-us")


def test_a_builtin_library_of_an_app_that_stays_is_copied_when_model_free(tmp_path: Path):
    # pretalx's api: TEMPLATES builtins name pretalx.common.templatetags.components, of
    # common that stays, which no moved module imports; its package came along for another
    # library (here stamps), so the service named a module it did not have and failed to start
    templates = ('TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates",'
                 ' "DIRS": [], "OPTIONS": {"builtins": ["audit.templatetags.badges", '
                 '"audit.templatetags.trail"]}}]\n')
    library = ("from django import template\n\nregister = template.Library()\n\n\n"
               "@register.simple_tag\ndef {name}():\n    return '{name}'\n")
    shop = analysed_copy("tuple_shop", tmp_path / "shop", {
        "config/settings.py": ("USE_TZ = True\n", "USE_TZ = True\n" + templates),
        "audit/templatetags/__init__.py": ("", ""),
        "audit/templatetags/badges.py": ("", library.format(name="badge")),
        "audit/templatetags/trail.py": ("", "from audit.models import *  # noqa: F403\n"
                                            + library.format(name="trail")),
        "audit/templatetags/stamps.py": ("", library.format(name="stamp")),
        "billing/totals.py": ("", "from audit.templatetags import stamps  # noqa: F401\n"),
    })
    service = tmp_path / "service"
    result = CliRunner().invoke(extract, ["billing", "--project", str(shop), "--out",
                                          str(service)])
    assert result.exit_code == 0, result.output
    assert (service / "audit" / "templatetags" / "badges.py").is_file()
    assert not (service / "audit" / "templatetags" / "trail.py").exists()
    report = (service / "EXTRACTION.md").read_text()
    assert ("the monolith's template option audit.templatetags.trail is of an app that "
            "stays: the moved pages render without it") in report
    assert _rendered(service, "{% badge %}") == "badge"


def _rendered(service: Path, template: str) -> str:
    """``template`` rendered by the service's own Django (its settings, a request), as
    its pages would be."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.test", PYTHONPATH=str(service),
               DATABASE_URL="postgres://u@127.0.0.1:9/none")
    done = subprocess.run([sys.executable, "-c", (
        "import sys\nimport django; django.setup()\n"
        "from django.template import engines\nfrom django.test import RequestFactory\n"
        "page = engines['django'].from_string(sys.argv[1])\n"
        "print(page.render({}, request=RequestFactory().get('/')))"), template], cwd=service,
        env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_django_function_that_reads_a_setting_carries_it(tmp_path: Path):
    """pretalx's password field asks ``get_default_password_validators()`` for the minimum
    length: the service needs the monolith's AUTH_PASSWORD_VALIDATORS (Django's default is
    none, and its ``max()`` of them failed)."""
    (tmp_path / "fields.py").write_text(
        "from django.contrib.auth import password_validation\n"
        "from django.contrib.auth.password_validation import validate_password\n\n"
        "VALIDATORS = [validate_password]\n\n\n"
        "def strictest():\n"
        "    return max(password_validation.get_default_password_validators())\n")
    (tmp_path / "plain.py").write_text("from django.conf import settings\n\nX = settings.DEBUG\n")
    source = Source(tmp_path, (), "")
    assert settings_read_by(source, ["fields.py"]) == {"AUTH_PASSWORD_VALIDATORS"}
    assert settings_read_by(source, ["plain.py"]) == {"DEBUG"}


def test_a_setting_the_command_line_turns_on_is_computed_alike_in_the_service(tmp_path: Path):
    """pretalx turns drf-spectacular on for ``manage.py spectacular`` only; the static value
    is the one of the commands that skip the branch (False), so the service's schema run
    documented nothing: its documentation decorators were pretalx's no-op stubs."""
    settings = ("USE_TZ = True\n", "USE_TZ = True\n\nimport sys  # noqa: E402\n"
                "from contextlib import suppress  # noqa: E402\n\n"
                "LOAD_DOCS = False\n"
                'if "spectacular" in sys.argv:\n'
                "    with suppress(ImportError):\n"
                "        import drf_spectacular  # noqa: F401\n\n"
                "        LOAD_DOCS = True\n"
                "SERVED = False\n"
                "if sys.argv and int(sys.argv[0] or 0):  # a call: not the command line alone\n"
                "    SERVED = True\n")
    reads = ("\n\nfrom django.conf import settings  # noqa: E402\n\n"
             "DOCUMENTED = settings.LOAD_DOCS, settings.SERVED\n")
    _, plan = extracted(tmp_path, settings, reads)
    carried = {c.name: c.source for c in plan.spec.monolith_settings}
    assert carried == {"LOAD_DOCS": "'spectacular' in sys.argv",
                       "SERVED": "False"}
    service = tmp_path / "service"
    render_service(plan.spec, service)
    base = (service / "config" / "settings" / "base.py").read_text()
    assert "\nimport sys\nfrom pathlib import Path\n" in base
    ruff = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache",
                           "config/settings/base.py"], cwd=service, capture_output=True,
                          text=True, check=False)
    assert ruff.returncode == 0, ruff.stdout
    for argv, documented in ((["manage.py", "spectacular"], True), (["gunicorn"], False)):
        done = subprocess.run(
            [sys.executable, "-c", "import sys; sys.argv = sys.argv[1:]; "
             "from config.settings import base; print(base.LOAD_DOCS)", *argv],
            cwd=service, capture_output=True, text=True, check=True)
        assert done.stdout.strip() == str(documented)
