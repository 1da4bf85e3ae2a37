"""The monolith's own middleware that sets request state the moved code reads (pretalx's
``EventMiddleware``: ``request.event``) is recorded, and the service asks the bridge to run it
for each request (tests/fixtures/tenant_state; runtime/tests/test_remote_request_state.py
runs both ends)."""

from __future__ import annotations

from pathlib import Path

from analyzer.pipeline import build_graph
from decompose.model import Location, RequestState
from extractor.plan import build_plan
from tests.extractor.projects import analysed_copy
from tests.extractor.test_extract_command import invoke

TENANT = "tenants.middleware.TenantMiddleware"


def test_the_middleware_whose_attributes_the_moved_code_reads_is_recorded(tmp_path: Path):
    root = analysed_copy("tenant_state", tmp_path / "monolith")
    plan = build_plan(build_graph(root, use_cache=False), root, ["notes"])
    # not the audit id no moved code reads, nor Django's LANGUAGE_CODE, nor the moved app's
    # own middleware; request.theme is set beside request.tenant but never read
    assert plan.record.request_state == (RequestState(
        TENANT, ("tenant",), Location("tenants/middleware/tenant.py", 7),
        Location("notes/views.py", 19)),)
    assert plan.spec.request_state == ((TENANT, ("tenant",)),)


def test_without_such_middleware_nothing_is_recorded(tmp_path: Path):
    root = analysed_copy("tenant_state", tmp_path / "monolith", {
        "notes/views.py": ('getattr(request, "tenant", None)', "None")})
    (root / "notes/views.py").write_text((root / "notes/views.py").read_text().replace(
        "Note.objects.filter(tenant_id=self.request.tenant.pk)", "Note.objects.all()"))
    plan = build_plan(build_graph(root, use_cache=False), root, ["notes"])
    assert plan.record.request_state == () and plan.spec.request_state == ()


def test_the_service_settings_and_extraction_md_name_it(tmp_path: Path):
    root = analysed_copy("tenant_state", tmp_path / "monolith")
    out = tmp_path / "service"
    result = invoke("notes", "--project", str(root), "--out", str(out))
    assert result.exit_code == 0, result.output
    settings = (out / "config/settings/base.py").read_text()
    assert ('    "decompose_remote.auth.MonolithTokenMiddleware",\n'
            "    # The request state the monolith's own middleware sets "
            "(DECOMPOSE_REQUEST_STATE).\n"
            '    "decompose_remote.request_state.RequestStateMiddleware",\n') in settings
    assert ('DECOMPOSE_REQUEST_STATE = {\n'
            f'    "{TENANT}": ["tenant"],\n}}\n'
            "# For the moved views only: the service's own pages need none of it.\n"
            'DECOMPOSE_REQUEST_STATE_VIEWS = [\n    "notes",\n]\n') in settings
    assert ("- `tenants.middleware.TenantMiddleware` (`tenants/middleware/tenant.py:7`): "
            "`request.tenant`, first read at `notes/views.py:19`\n") in (
        out / "EXTRACTION.md").read_text()
    assert '"request_state": [' in (out / "extraction.json").read_text()
    # without the monolith the contract test cannot see a 401 before the state is asked
    assert "missing_required_header.enabled = false" in (out / "schemathesis.toml").read_text()
