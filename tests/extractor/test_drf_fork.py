"""A monolith with a DRF fork of its own (tests/fixtures/drf_fork, laid out like taiga's):
modules the copied code names in dotted strings are followed like imports, the fork's
REST_FRAMEWORK is not the service's DRF's, and the service builds the fork's router."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from rest_framework.settings import IMPORT_STRINGS

from analyzer.pipeline import build_graph
from decompose.model import CrossDependency, Handling, Location
from extractor.plan import build_plan
from extractor.plan.settings import DRF_IMPORT_KEYS
from extractor.spec import RoutedView, Router
from tests.extractor.projects import FIXTURES, analysed_copy
from tests.extractor.test_extract_command import django, invoke


def test_a_module_named_in_a_string_of_copied_code_comes_with_it(tmp_path: Path):
    root = analysed_copy("drf_fork", tmp_path / "monolith")
    graph = build_graph(root, use_cache=False)
    # the router has no trailing slash: it lists at /api/entries, its details under /api/entries/
    assert [u.prefix for u in graph.urls if u.app == "ledger"] == ["/api/entries"]
    plan = build_plan(graph, root, ["ledger"])
    assert plan.record.routes == ("/api/entries/",)
    assert sorted(f.source for f in plan.record.files if f.kind == "kernel") == [
        "kit/__init__.py", "kit/api_settings.py", "kit/parsers.py", "kit/renderers.py",
        "kit/routers.py"]
    assert [d for d in plan.record.dependencies if d.target.startswith("kit")] == [
        CrossDependency(Location("config/urls.py", 7), "kit.routers", Handling.KERNEL,
                        "copied under the same module path"),  # the project's router
        CrossDependency(Location("ledger/views.py", 4), "kit.api_settings", Handling.KERNEL,
                        "copied under the same module path"),
        CrossDependency(Location("ledger/views.py", 7), "kit.renderers", Handling.KERNEL,
                        "named in a string; copied under the same path")]
    assert not [d for d in plan.record.dependencies if d.target.startswith("crm")]
    assert [r for r in plan.record.requirements if r.startswith("PyYAML")] == ["PyYAML>=6.0,<7"]
    assert plan.spec.routed_views == (RoutedView(
        "api/", "entries", "ledger.views.EntryViewSet", "entries", viewset=True,
        router=Router("kit.routers", "DefaultRouter", "trailing_slash=False", "base_name")),)


def test_no_string_no_module_followed(tmp_path: Path):
    """The same monolith with the strings spelled as prose: nothing beyond the imports."""
    root = analysed_copy("drf_fork", tmp_path / "monolith", {
        "kit/api_settings.py": ('"kit.parsers.JSONParser",\n    "LOADER": "yaml.loader.SafeLoader"',
                                '"kit.parsers JSONParser",\n    "LOADER": "yaml loader"'),
        "ledger/views.py": ('"kit.renderers.PlainRenderer"', '"kit/renderers/PlainRenderer"')})
    plan = build_plan(build_graph(root, use_cache=False), root, ["ledger"])
    assert sorted(f.source for f in plan.record.files if f.kind == "kernel") == [
        "kit/__init__.py", "kit/api_settings.py", "kit/routers.py"]
    assert not [r for r in plan.record.requirements if r.startswith("PyYAML")]


def test_the_service_imports_what_its_copies_name_in_strings(tmp_path: Path):
    """The moved views import the parser by its string as their class is defined: the
    service's checks and schema (run in its own environment) pass only with it copied."""
    root = analysed_copy("drf_fork", tmp_path / "monolith")
    out = tmp_path / "ledger"
    result = invoke("ledger", "--project", str(root), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "kit" / "parsers.py").read_bytes() == (root / "kit" / "parsers.py").read_bytes()
    assert "PyYAML" in (out / "pyproject.toml").read_text()
    assert ("router_1 = DefaultRouter(trailing_slash=False)\n"
            'router_1.register("entries", EntryViewSet, base_name="entries")\n'
            ) in (out / "config" / "urls.py").read_text()
    routed = django(out, "-c", "import django; django.setup(); from django.urls import reverse; "
                    "print(reverse('entries-list'), reverse('entries-detail', args=[1]))")
    assert routed.stdout == "/api/entries /api/entries/1\n", routed.stderr
    # the fork, copied unchanged, is linted where it is written (UP004 in kit/renderers.py)
    assert '    "kit/renderers.py",\n' in (out / "pyproject.toml").read_text()
    linted = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."],
                            cwd=out, capture_output=True, text=True, timeout=60)
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_the_rest_framework_setting_of_a_monolith_without_drf_is_not_the_services(
        tmp_path: Path):
    """Without DRF installed, REST_FRAMEWORK configures the monolith's own fork of it
    (taiga's): the classes DRF would import are not given to the service's DRF, which would
    import them before the fork (a circular import in taiga); the keys only the fork reads
    (taiga's PAGINATE_BY, FILTER_BACKEND) and plain values are, so the fork, which reads the
    service's setting, pages and filters as in the monolith, and renders with its own
    renderer. With DRF installed the parity keys are kept."""
    setting = ('USE_TZ = True\n', 'USE_TZ = True\nREST_FRAMEWORK = {"PAGE_SIZE": 5, '
               '"DEFAULT_THROTTLE_CLASSES": ["kit.parsers.JSONParser"], "PAGINATE_BY": 30, '
               '"FILTER_BACKEND": "kit.filters.FilterBackend", "DATETIME_FORMAT": "%Y %m", '
               '"EXCEPTION_HANDLER": "kit.exceptions.exception_handler"}\n')
    with_drf = analysed_copy("drf_fork", tmp_path / "drf", {"config/settings.py": setting})
    plan = build_plan(build_graph(with_drf, use_cache=False), with_drf, ["ledger"])
    assert plan.record.rest_framework == (
        ("PAGE_SIZE", "5"), ("DEFAULT_THROTTLE_CLASSES", "['kit.parsers.JSONParser']"),
        ("DATETIME_FORMAT", "'%Y %m'"))
    assert "kit/filters.py" not in {f.source for f in plan.record.files}
    original = (FIXTURES / "drf_fork" / "config" / "settings.py").read_text()
    without_drf = (original, original.replace('    "rest_framework",\n', "").replace(*setting))
    fork = analysed_copy("drf_fork", tmp_path / "fork", {"config/settings.py": without_drf})
    plan = build_plan(build_graph(fork, use_cache=False), fork, ["ledger"])
    assert plan.record.rest_framework == (
        ("PAGE_SIZE", "5"), ("PAGINATE_BY", "30"),
        ("FILTER_BACKEND", "'kit.filters.FilterBackend'"), ("DATETIME_FORMAT", "'%Y %m'"),
        ("EXCEPTION_HANDLER", "'decompose_remote.drf_fork.exception_handler'"))
    assert plan.spec.fork_exception_handler == "kit.exceptions.exception_handler"
    assert {"kit/filters.py", "kit/exceptions.py"} <= {
        f.source for f in plan.record.files if f.kind == "kernel"}
    out = tmp_path / "ledger"
    result = invoke("ledger", "--project", str(fork), "--out", str(out))
    assert result.exit_code == 0, result.output
    read = django(out, "-c", "import django; django.setup(); from django.conf import settings; "
                  "from kit.filters import FilterBackend; "
                  "print(settings.REST_FRAMEWORK['PAGINATE_BY'], "
                  "settings.REST_FRAMEWORK['FILTER_BACKEND']); "
                  "from rest_framework.settings import api_settings as drf; "
                  "print(drf.EXCEPTION_HANDLER(ValueError('as the fork calls it'))); "
                  "print('DEFAULT_RENDERER_CLASSES' in settings.REST_FRAMEWORK)")
    assert read.stdout == ("30 kit.filters.FilterBackend\n"
                           "{'_error_message': 'as the fork calls it'}\nFalse\n"), read.stderr


def test_drf_import_keys_are_drfs():
    assert frozenset(IMPORT_STRINGS) == DRF_IMPORT_KEYS
