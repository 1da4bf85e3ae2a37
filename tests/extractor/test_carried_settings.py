"""Settings the moved code reads that the monolith computes (tests/fixtures/tuple_shop, its
settings extended): evaluated statically and carried with their value, environment reads
carried as the same read with the monolith's default, the rest required from the service's
environment with the monolith's expression and path:line documented; none dropped."""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

from decompose.model import GRAPH_SCHEMA_VERSION, Location, ProjectGraph, SettingValue
from decompose.serialize import read_json
from extractor.plan import build_plan
from extractor.render import render_service
from extractor.spec import CarriedSetting
from extractor.writer import render_report
from tests.extractor.projects import analysed_copy

SETTINGS = '''USE_TZ = True

import os  # noqa: E402 (the fixture's settings, extended here)

BASE_CURRENCY = "eur"
BILLING_CURRENCY = BASE_CURRENCY.upper()
PAYMENT_TERMS_DAYS = 7 * 4
INVOICE_PREFIX = os.environ.get("BILLING_INVOICE_PREFIX", "INV-")
BILLING_API_URL = os.environ["BILLING_API_URL"]
BILLING_WORKERS = os.cpu_count()
'''
READS = '''

from django.conf import settings  # noqa: E402


def invoice_label(number: int) -> str:
    return (f"{settings.INVOICE_PREFIX}{number} {settings.BILLING_CURRENCY} "
            f"{settings.PAYMENT_TERMS_DAYS} {settings.BILLING_API_URL} "
            f"{settings.BILLING_WORKERS} {settings.USE_TZ}")
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
                       "config/settings.py:23", "os.environ['BILLING_API_URL']"),
        CarriedSetting("BILLING_CURRENCY", "'EUR'"),
        CarriedSetting("BILLING_WORKERS", 'env("BILLING_WORKERS")', "BILLING_WORKERS", "",
                       "config/settings.py:24", "os.cpu_count()"),
        CarriedSetting("INVOICE_PREFIX", "env(\"BILLING_INVOICE_PREFIX\", default='INV-')",
                       "BILLING_INVOICE_PREFIX", "'INV-'", "config/settings.py:22",
                       "os.environ.get('BILLING_INVOICE_PREFIX', 'INV-')"),
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
        "PAYMENT_TERMS_DAYS = 28\n")
    test = (service / "config" / "settings" / "test.py").read_text()
    assert ('for _variable in ["BILLING_API_URL", "BILLING_WORKERS"]:\n'
            '    os.environ.setdefault(_variable, "test-placeholder")\n\n'
            "from .base import *  # noqa: E402, F403\n") in test
    compose = yaml.safe_load((service / "compose.yaml").read_text())
    environment = compose["services"]["billing-migrate"]["environment"]
    assert {k: v for k, v in environment.items() if k.startswith("BILLING")} == {
        "BILLING_API_URL": "${BILLING_API_URL:?set it to the monolith's value}",
        "BILLING_WORKERS": "${BILLING_WORKERS:?set it to the monolith's value}"}
    report = render_report(plan, plan.record, [])
    section = report.split("## Settings read from the environment\n")[1].split("\n## ")[0]
    assert section.strip().splitlines()[-3:] == [
        "- `BILLING_API_URL` from `BILLING_API_URL`, **required**: the monolith has "
        "`os.environ['BILLING_API_URL']` at `config/settings.py:23`",
        "- `BILLING_WORKERS` from `BILLING_WORKERS`, **required**: the monolith has "
        "`os.cpu_count()` at `config/settings.py:24`",
        "- `INVOICE_PREFIX` from `BILLING_INVOICE_PREFIX`, default `'INV-'`: the monolith has "
        "`os.environ.get('BILLING_INVOICE_PREFIX', 'INV-')` at `config/settings.py:22`"]


def test_a_django_setting_computed_at_start_is_json_with_django_default(tmp_path: Path):
    _, plan = extracted(tmp_path, ("USE_TZ = True\n", "USE_TZ = True\nimport os  # noqa: E402\n"
                                   "LANGUAGES = [(c, c) for c in os.listdir('locale')]\n"),
                        "\n\nfrom django.conf import settings  # noqa: E402\n\n\n"
                        "def codes():\n    return dict(settings.LANGUAGES)\n")
    assert plan.spec.monolith_settings == (CarriedSetting(
        "LANGUAGES", 'env.json("LANGUAGES", default=global_settings.LANGUAGES)', "LANGUAGES",
        "global_settings.LANGUAGES", "config/settings.py:17",
        "[(c, c) for c in os.listdir('locale')]"),)
    render_service(plan.spec, tmp_path / "service")
    base = (tmp_path / "service" / "config" / "settings" / "base.py").read_text()
    assert "import environ\nfrom django.conf import global_settings\n\n" in base
    assert base.endswith('LANGUAGES = env.json("LANGUAGES", default=global_settings.LANGUAGES)\n')


def test_an_app_the_moved_code_imports_a_module_of_is_installed_in_the_service(
        tmp_path: Path):
    _, plan = extracted(tmp_path, ('    "rest_framework",\n', '    "rest_framework",\n'
                                   '    "django_filters",\n    "drf_spectacular",\n'),
                        "\n\nfrom django_filters.filters import CharFilter  # noqa: E402\n"
                        "from drf_spectacular.utils import extend_schema  # noqa: E402\n")
    # drf_spectacular is one the service installs already
    assert plan.spec.third_party_apps == ("django_filters",)
