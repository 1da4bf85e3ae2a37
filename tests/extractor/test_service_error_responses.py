"""The service documents the error responses it really sends (its ``ops/openapi.py``, run as
generated: the golden copy): JSON, or the media types an operation renders when it renders no
JSON, since DRF renders an error with the view's own renderers (Tandoor's iCal export answers
a missing token in text/calendar, which the schema said was JSON)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "service" / "ops" / "openapi.py"


def _generated() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generated_openapi_hook", GOLDEN)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _operation(media: str) -> dict:
    return {"security": [{"monolithToken": []}], "responses": {
        "200": {"content": {media: {"schema": {"type": "string"}}}, "description": ""}}}


def test_errors_are_documented_in_what_the_operation_renders():
    schema = {"paths": {"/plans/ical/": {"get": _operation("text/calendar")},
                        "/plans/": {"get": _operation("application/json")}}}
    responses = _generated().document_error_responses(schema, None, None, True)["paths"]
    ical = responses["/plans/ical/"]["get"]["responses"]
    assert {status: list(ical[status]["content"]) for status in ("401", "502", "503")} == {
        "401": ["text/calendar"], "502": ["text/calendar"], "503": ["text/calendar"]}
    assert ical["401"]["content"]["text/calendar"] == {"schema": {"type": "string"}}
    plans = responses["/plans/"]["get"]["responses"]
    assert plans["401"]["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
