"""The OpenAPI type of each field the bridge sends, so the service documents remote models as
the monolith's own API does."""

from __future__ import annotations

from decompose.model import AllowedModel, ProjectGraph, RelationKind

OPENAPI_TYPES = {"FloatField": "FLOAT", "DecimalField": "DECIMAL", "BooleanField": "BOOL",
                 "DateTimeField": "DATETIME", "DateField": "DATE", "TimeField": "TIME",
                 "DurationField": "DURATION", "UUIDField": "UUID", "EmailField": "EMAIL",
                 "URLField": "URI", "JSONField": "ANY"}


def field_types(graph: ProjectGraph, allowed: AllowedModel) -> tuple[tuple[str, str], ...]:
    """(field, OpenApiTypes name) for each exposed field, from the field classes declared in
    the monolith; an ``<relation>_id`` column takes the type of the target's key, a
    many-to-many a list of them (``INT[]``)."""
    model = graph.model(allowed.label)
    declared = {f.name: f.type for f in model.fields} if model else {}
    targets = {r.field: r.target for r in model.relations} if model else {}
    many = {r.field for r in model.relations
            if r.kind == RelationKind.MANY_TO_MANY} if model else set()
    types = []
    for name in allowed.fields:
        relation = name.removesuffix("_id") if name.endswith("_id") else None
        if relation in targets or name in many:
            label = targets[relation or name]
            target = graph.model(label) if label else None
            pk = next((f.type for f in target.fields if f.primary_key), "") if target else ""
            types.append((name, _openapi_type(pk or "AutoField") + ("[]" if name in many
                                                                     else "")))
        else:
            types.append((name, _openapi_type(declared.get(name, ""))))
    return tuple(types)


def _openapi_type(field_type: str) -> str:
    """``models.DecimalField`` -> "DECIMAL": the drf_spectacular OpenApiTypes name."""
    name = field_type.rpartition(".")[2]
    if name in OPENAPI_TYPES:
        return OPENAPI_TYPES[name]
    return "INT" if name.endswith(("AutoField", "IntegerField")) else "STR"
