"""Document the error responses the service really sends, so contract tests can hold it to them.

drf-spectacular documents success responses only; a client (and schemathesis) must also know that
a missing object is a 404 and a rejected body a 400, and what those bodies look like.
"""

PAGING = frozenset({"page", "page_size", "limit", "offset", "cursor"})
SAFE_METHODS = frozenset({"get", "head", "options"})
ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# The monolith's error page (its handler404's, or Django's with its 404.html): what a path no
# view routes is answered with, on both sides; DRF's own 404s are JSON.
ERROR_PAGE = {"schema": {"type": "string"}}
# DRF's validation errors map field names (or non_field_errors) to messages; parse errors
# have a "detail"; both are JSON objects.
VALIDATION_ERROR = {"type": "object", "additionalProperties": True}


def _response(description: str, component: str, rendered: list | None = None) -> dict:
    """An error response: JSON, or the media types the operation renders when it renders no
    JSON (DRF renders an error with the view's own renderers: Tandoor's iCal export answers
    a missing token in text/calendar)."""
    if rendered:
        return {"description": description,
                "content": {media: {"schema": {"type": "string"}} for media in rendered}}
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }


def _rendered(responses: dict) -> list:
    """The media types of the operation's success responses when none is JSON, else []."""
    media = sorted({media for status, response in responses.items() if str(status)[:1] == "2"
                    for media in response.get("content", {})})
    return [] if not media or any("json" in m for m in media) else media


def _require_visible_text(schema: dict) -> None:
    """DRF's CharField strips whitespace before its not-blank check, so "\\x1c" is blank to the
    API; say so in the schema (a required, non-blank string holds a non-space character)."""
    for field in schema.get("properties", {}).values():
        if (field.get("type") == "string" and field.get("minLength", 0) >= 1
                and not field.keys() & {"format", "enum", "pattern"}):
            field["pattern"] = r"\S"


def document_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: add 400/401/403/404 where the operation can return
    them (any operation that reads credentials answers a bad token with 401; shadow traffic's
    writes are refused with 403), and 502/503 everywhere: any operation may need the monolith,
    and says so when it is down (decompose_remote.errors)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("ValidationError", VALIDATION_ERROR)
    for schema in schemas.values():
        _require_visible_text(schema)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            rendered = _rendered(responses)
            paginated = any(p.get("name") == "page" for p in operation.get("parameters", []))
            if "{" in path or paginated:  # DRF answers a page out of range with 404
                responses.setdefault("404", _response("Not found.", "Error", rendered))
            if "{" in path:  # a value its URL pattern does not match (/widgets/1.5/)
                responses["404"].setdefault("content", {}).setdefault("text/html", ERROR_PAGE)
            filtered = any(p.get("in") == "query" and p.get("name") not in PAGING
                           for p in operation.get("parameters", []))
            if "requestBody" in operation or filtered:  # django-filter rejects bad values
                responses.setdefault(
                    "400", _response("Invalid request.", "ValidationError", rendered))
            if operation.get("security"):
                responses.setdefault(
                    "401", _response("Missing or invalid credentials.", "Error", rendered))
            if method.lower() not in SAFE_METHODS:
                responses.setdefault("403", _response("Not allowed.", "Error", rendered))
            # Rows, functions and filter choices owned by the monolith are asked of it.
            responses.setdefault(
                "502", _response("The monolith's answer was unusable.", "Error", rendered))
            responses.setdefault(
                "503", _response("The monolith cannot be reached.", "Error", rendered))
    return result
