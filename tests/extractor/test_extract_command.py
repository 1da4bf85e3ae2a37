"""``decompose extract`` end to end on a copy of the sample monolith (never the original).

One copy and one graph.json are shared by the module; the generated service is checked by
running Django on it in a subprocess, and the patch by applying it and checking the monolith.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.pipeline import build_graph
from decompose.errors import CannotExtract, OutputExists
from decompose.model import EXTRACTION_SCHEMA_VERSION, GRAPH_SCHEMA_VERSION, ExtractionPlan
from decompose.serialize import read_json, write_json_atomic
from extractor.command import extract
from extractor.lock import uv
from extractor.monolith_patch import PatchConflict, apply_changes
from extractor.openapi import OpenApiError
from extractor.plan import build_plan
from extractor.plan.environment import monolith_environment
from extractor.runtime import (
    MONOLITH_PACKAGES,
    SERVICE_PACKAGES,
    runtime_requirement,
    vendored_files,
)
from extractor.service_env import service_python
from extractor.writer import run_codemods

SAMPLE = Path(__file__).resolve().parents[2] / "sample_monolith"


def copy_monolith(target: Path) -> Path:
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns(
        "db.sqlite3", "__pycache__", "decompose-report", ".pytest_cache"))
    write_json_atomic(target / "decompose-report" / "graph.json",
                      build_graph(target, use_cache=False))
    return target


@pytest.fixture(scope="module")
def monolith(tmp_path_factory) -> Path:
    return copy_monolith(tmp_path_factory.mktemp("extract") / "shop")


def invoke(*args: str):
    return CliRunner().invoke(extract, list(args), catch_exceptions=True)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def django(service: Path, *args: str, settings: str = "config.settings.local",
           site: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python *args`` in the service (``site``: a folder of packages installed for it)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(DJANGO_SETTINGS_MODULE=settings, DATABASE_URL="postgres://u@127.0.0.1:9/none",
               PYTHONPATH=os.pathsep.join(str(p) for p in (service, site) if p))
    return subprocess.run([sys.executable, *args], cwd=service, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="module")
def orders_service(monolith: Path) -> Path:
    out = monolith.parent / "services" / "orders"
    result = invoke("orders", "--project", str(monolith))
    assert result.exit_code == 0, result.output
    return out


def test_dry_run_prints_the_plan_and_writes_nothing(monolith: Path):
    before = tree(monolith)
    result = invoke("orders", "--project", str(monolith), "--out",
                    str(monolith.parent / "dry"), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "orders/models.py:60: [fk_to_id] orders.OrderLine.product" in result.output
    assert "orders/services.py:35: ERROR: [atomic]" in result.output
    assert "inventory.services.reserve_stock -> remote-function" in result.output
    assert not (monolith.parent / "dry").exists()
    assert tree(monolith) == before


def test_default_output_is_beside_the_monolith(orders_service: Path):
    assert (orders_service / "manage.py").is_file()
    plan = read_json(orders_service / "extraction.json", ExtractionPlan,
                     schema_version=EXTRACTION_SCHEMA_VERSION)
    assert plan.routes == ("/admin/orders/", "/api/orders/", "/orders/")
    report = (orders_service / "EXTRACTION.md").read_text()
    forwarded = report.split("## Signals forwarded as events")[1].split("## Signals that")[0]
    assert "- `notifications/receivers.py:15` `notifications.receivers.notify_order_placed`" \
        in forwarded
    assert "None: every receiver that listens across the cut is served" in report
    assert "`orders/models.py:28` [fk_to_id]" in report
    assert "- `/api/orders/`" in report and "- `/admin/orders/`" in report


def test_existing_output_is_refused_then_replaced_with_force_byte_identically(
        monolith: Path, orders_service: Path):
    before = tree(orders_service)
    (orders_service / "stray.txt").write_text("mine")
    refused = invoke("orders", "--project", str(monolith))
    assert isinstance(refused.exception, OutputExists)
    assert (orders_service / "stray.txt").exists()
    forced = invoke("orders", "--project", str(monolith), "--force")
    assert forced.exit_code == 0, forced.output
    assert tree(orders_service) == before  # stray file gone, everything else byte-identical


def test_a_failure_leaves_nothing_half_written(monolith: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch):
    def disk_full(*args: object) -> None:  # fails after the skeleton was written
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("extractor.writer._write_mirrors", disk_full)
    out = tmp_path / "out"
    result = invoke("orders", "--project", str(monolith), "--out", str(out))
    assert isinstance(result.exception, OSError)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no staging folder left behind


def test_generated_service_checks_and_imports(orders_service: Path):
    check = django(orders_service, "manage.py", "check")
    assert check.returncode == 0, check.stderr
    migrations = django(orders_service, "manage.py", "makemigrations", "--check", "--dry-run")
    assert migrations.returncode == 0, migrations.stdout + migrations.stderr
    imports = django(orders_service, "-c", (
        "import django; django.setup(); "
        "import orders.api.views, orders.services, orders.views, monolith.catalog.models; "
        "from orders.models import OrderLine; "
        "f = OrderLine._meta.get_field('product_id'); "
        "print(f.get_internal_type(), f.column, OrderLine._meta.db_table, "
        "OrderLine._meta.managed)"))
    assert imports.returncode == 0, imports.stderr
    assert imports.stdout.split() == ["IntegerField", "product_id", "orders_orderline", "False"]


def test_reviews_service_checks(monolith: Path):
    out = monolith.parent / "services" / "reviews"
    result = invoke("reviews", "--project", str(monolith), "--out", str(out))
    assert result.exit_code == 0, result.output
    check = django(out, "manage.py", "check")
    assert check.returncode == 0, check.stderr


def test_patch_applies_to_a_copy_and_the_monolith_still_checks(tmp_path: Path,
                                                                orders_service: Path):
    copy = copy_monolith(tmp_path / "shop")
    dry = subprocess.run(["patch", "-p1", "--dry-run", "-i",
                          str(orders_service / "monolith.patch")], cwd=copy,
                         capture_output=True, text=True)
    assert dry.returncode == 0, dry.stdout + dry.stderr
    result = invoke("orders", "--project", str(copy), "--out", str(tmp_path / "svc"), "--apply")
    assert result.exit_code == 0, result.output
    assert '"decompose_bridge",' in (copy / "config" / "settings" / "base.py").read_text()
    assert (copy / "decompose_allowlist.py").is_file()
    assert (copy / "requirements.txt").read_text().endswith(  # DRF was there already
        f"\n{runtime_requirement()}\nPyJWT[crypto]>=2.9,<3\n")
    check = django(copy, "manage.py", "check", settings="config.settings.test")
    assert check.returncode == 0, check.stderr


def test_services_and_the_monolith_require_the_runtime_by_default(orders_service: Path):
    assert f'    "{runtime_requirement()}",\n' in (orders_service / "pyproject.toml").read_text()
    assert not (orders_service / "decompose_remote").exists()
    patch = (orders_service / "monolith.patch").read_text()
    assert f"+{runtime_requirement()}\n" in patch and "b/decompose_bridge/" not in patch


def test_vendor_runtime_copies_the_packages_instead(monolith: Path, tmp_path: Path):
    out = tmp_path / "orders"
    result = invoke("orders", "--project", str(monolith), "--out", str(out), "--vendor-runtime")
    assert result.exit_code == 0, result.output
    assert "decompose-runtime>=" not in (out / "pyproject.toml").read_text()
    for name, text in vendored_files(SERVICE_PACKAGES).items():
        assert (out / name).read_text() == text, name
    patch = (out / "monolith.patch").read_text()
    assert {f"+++ b/{name}" for name in vendored_files(MONOLITH_PACKAGES)} <= set(
        patch.splitlines())
    # the copy needs what the bridge imports (DRF is there already), not the runtime
    assert "+PyJWT[crypto]>=2.9,<3\n" in patch and "+decompose-runtime>=" not in patch
    check = django(out, "manage.py", "check")
    assert check.returncode == 0, check.stderr


def test_apply_refuses_a_monolith_that_changed(tmp_path: Path):
    copy = copy_monolith(tmp_path / "shop")
    graph = read_json(copy / "decompose-report" / "graph.json", type(build_graph(copy)),
                      schema_version=GRAPH_SCHEMA_VERSION)
    changes = run_codemods(build_plan(graph, copy, ["orders"]), copy).changes
    urls = copy / "config" / "urls.py"
    urls.write_text(urls.read_text() + "# edited meanwhile\n")
    with pytest.raises(PatchConflict):
        apply_changes(copy, changes)
    assert not (copy / "decompose_allowlist.py").exists()


def test_a_view_the_schema_cannot_document_is_one_line_at_its_monolith_path(monolith: Path,
                                                                            tmp_path: Path):
    """analytics' SalesReportView is a bare APIView: drf-spectacular cannot guess its response,
    and --fail-on-warn makes that an error naming the view where the user can fix it."""
    out = tmp_path / "analytics"
    result = invoke("analytics", "orders", "--project", str(monolith), "--out", str(out))
    assert isinstance(result.exception, OpenApiError)
    message = str(result.exception)
    assert message.startswith("analytics/api/views.py:9: drf-spectacular cannot document the "
                              "moved code: Error [SalesReportView]: unable to guess serializer")
    assert "\n" not in message and str(tmp_path) not in message
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_the_service_passes_ruff_with_its_own_config_as_generated(orders_service: Path):
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."],
                          cwd=orders_service, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_lock_is_current_and_uv_notices_when_it_is_not(orders_service: Path,
                                                          tmp_path: Path):
    assert uv("lock", "--check", cwd=orders_service).returncode == 0
    lock = (orders_service / "uv.lock").read_text()
    assert 'name = "decompose-runtime"\nversion = "0.1.0"\nsource = { directory = ' \
           '"vendor/decompose-runtime" }' in lock
    edited = shutil.copytree(orders_service, tmp_path / "edited")
    pyproject = edited / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"gunicorn>=23,<28"', '"gunicorn==22.0.0"'))
    stale = uv("lock", "--check", cwd=edited)
    assert stale.returncode != 0 and "needs to be updated" in stale.stderr


def test_the_service_runs_the_monolith_pins_in_an_environment_of_its_own(tmp_path: Path):
    """The monolith pins django-filter 24.3 (decompose's environment has another): the service
    declares, locks and was checked with 24.3, in an environment built from its lock."""
    copy = copy_monolith(tmp_path / "shop")
    requirements = copy / "requirements.txt"
    requirements.write_text(requirements.read_text().replace("django-filter>=24.2,<26",
                                                             "django-filter==24.3"))
    result = invoke("orders", "--project", str(copy), "--out", str(tmp_path / "orders"))
    assert result.exit_code == 0, result.output
    out = tmp_path / "orders"
    assert '    "django-filter==24.3",\n' in (out / "pyproject.toml").read_text()
    report = (out / "EXTRACTION.md").read_text()
    assert "- `django-filter==24.3`: the monolith's pin, `requirements.txt:3`" in report
    assert "- `django>=5.2,<5.3`: the monolith's pin, `requirements.txt:1`" in report
    assert "- `gunicorn>=23,<28`: the service's own range (the monolith pins none)" in report
    assert 'name = "django-filter"\nversion = "24.3"\n' in (out / "uv.lock").read_text()
    graph = read_json(copy / "decompose-report" / "graph.json", type(build_graph(copy)),
                      schema_version=GRAPH_SCHEMA_VERSION)
    python = service_python(out, monolith_environment(graph))  # the one extraction used
    asked = subprocess.run([str(python), "-c", "import sys, django_filters; "
                            "print(django_filters.__version__, sys.prefix)"],
                           capture_output=True, text=True, check=True)
    version, prefix = asked.stdout.split()
    assert version == "24.3" and Path(prefix) != Path(sys.prefix)
    assert (out / "openapi" / "monolith.yaml").read_bytes() == (out / "openapi.yaml").read_bytes()


def test_building_the_service_environment_leaves_the_service_as_written(
        orders_service: Path, monolith: Path, tmp_path: Path):
    """uv installs the vendored runtime by building it in place; setuptools left its build/
    and egg-info in the service, on a first build only: two extractions differed."""
    service = shutil.copytree(orders_service, tmp_path / "orders")
    written = tree(service)
    graph = read_json(monolith / "decompose-report" / "graph.json", type(build_graph(monolith)),
                      schema_version=GRAPH_SCHEMA_VERSION)
    service_python(service, monolith_environment(graph), cache=tmp_path / "fresh")
    assert tree(service) == written


def test_a_library_a_kernel_copy_imports_is_a_dependency_of_the_service(tmp_path: Path):
    """core/money.py is copied into the service with the moved orders code (taiga's DRF fork
    imports six the same way): what it imports is installed there too."""
    copy = copy_monolith(tmp_path / "shop")
    money = copy / "core" / "money.py"
    money.write_text(money.read_text().replace("from decimal", "import yaml\nfrom decimal"))
    plan = build_plan(build_graph(copy, use_cache=False), copy, ["orders"])
    assert "core/money.py" in {f.source for f in plan.record.files if f.kind == "kernel"}
    assert [r for r in plan.record.requirements if r.startswith("PyYAML")] == ["PyYAML>=6.0,<7"]


def test_a_library_the_moved_code_imports_comes_with_it_and_one_nothing_installs_is_named(
        tmp_path: Path):
    """PyYAML is installed in the monolith's environment but declared nowhere: the service
    requires the installed series. A module installed nowhere fails the check in the
    service's environment, named where the moved code imports it."""
    copy = copy_monolith(tmp_path / "shop")
    services = copy / "orders" / "services.py"
    moved = services.read_text()
    services.write_text(moved.replace("from django.db import transaction\n",
                                      "import yaml\nfrom django.db import transaction\n"))
    write_json_atomic(copy / "decompose-report" / "graph.json", build_graph(copy, use_cache=False))
    result = invoke("orders", "--project", str(copy), "--out", str(tmp_path / "yaml"))
    assert result.exit_code == 0, result.output
    assert '    "PyYAML>=6.0,<7",\n' in (tmp_path / "yaml" / "pyproject.toml").read_text()

    services.write_text(moved.replace("from django.db import transaction\n",
                                      "import not_installed_anywhere\n"
                                      "from django.db import transaction\n"))
    write_json_atomic(copy / "decompose-report" / "graph.json", build_graph(copy, use_cache=False))
    failed = invoke("orders", "--project", str(copy), "--out", str(tmp_path / "missing"))
    assert isinstance(failed.exception, OpenApiError)
    assert str(failed.exception) == (
        "orders/services.py:7: the service imports 'not_installed_anywhere', which none of "
        "its dependencies installs (pyproject.toml, locked in uv.lock): add its distribution "
        "to the monolith's requirements or the service's dependencies")
    assert not (tmp_path / "missing").exists()

    services.write_text(moved.replace(  # core/ is copied, core/permissions.py is not: the
        # string is computed, so no static reader can follow it (a literal one is followed)
        "from django.db import transaction\n", "from django.db import transaction\n"
        "from django.utils.module_loading import import_string\n\n"
        "import_string('core' + '.permissions.IsStaffOrReadOnly')\n"))
    write_json_atomic(copy / "decompose-report" / "graph.json", build_graph(copy, use_cache=False))
    failed = invoke("orders", "--project", str(copy), "--out", str(tmp_path / "missing"))
    assert isinstance(failed.exception, OpenApiError)
    assert str(failed.exception).split(": ", 1)[1] == (
        "the service imports 'core.permissions', a module of the monolith it does not copy: it "
        "is imported by a string decompose could not resolve to a module it can copy (a "
        "computed string, or a module with models of an app that stays); import it in the "
        "moved code, or move what it holds into a model-free module the moved code imports")


def test_a_monolith_on_a_django_the_runtime_does_not_support_is_refused_before_writing(
        tmp_path: Path):
    copy = copy_monolith(tmp_path / "shop")
    requirements = copy / "requirements.txt"
    requirements.write_text(requirements.read_text().replace("django>=5.2,<5.3",
                                                             "django==2.2.28"))
    before = tree(copy)
    result = invoke("orders", "--project", str(copy), "--out", str(tmp_path / "orders"),
                    "--apply")
    assert isinstance(result.exception, CannotExtract)
    assert str(result.exception) == (
        "requirements.txt:1: the monolith pins Django ==2.2.28, outside what decompose-runtime "
        "supports (Django >=3.2,<6.1): the service and the bridge run the monolith's Django; "
        "upgrade Django into that range first")
    assert not (tmp_path / "orders").exists() and tree(copy) == before
