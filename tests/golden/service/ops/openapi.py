"""Document the error responses the service really sends, so contract tests can hold it to them.

drf-spectacular documents success responses only; a client (and schemathesis) must also know that
a missing object is a 404 and a rejected body a 400, and what those bodies look like.
"""

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# DRF's validation errors map field names (or non_field_errors) to messages; parse errors
# have a "detail"; both are JSON objects.
VALIDATION_ERROR = {"type": "object", "additionalProperties": True}


def _response(description: str, component: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }


def document_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: add 400/404 where the operation can return them."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("ValidationError", VALIDATION_ERROR)
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if "{" in path:
                responses.setdefault("404", _response("Not found.", "Error"))
            if "requestBody" in operation:
                responses.setdefault("400", _response("Invalid request.", "ValidationError"))
    return result
