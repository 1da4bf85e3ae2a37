"""RemoteModelSerializer: a ModelSerializer of a monolith model, rendered by the monolith itself.

The bridge sends each row's allowlisted fields as the monolith's own DRF ModelSerializer renders
them, so ``{"id": 5, "name": "...", "price": "12.50"}`` is byte for byte what the monolith's API
says (decimal places, date formats, choices), with no field types re-implemented here.
Declared fields (``SerializerMethodField``, nested serializers) work as in any DRF serializer.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from decompose_remote.models import RemoteModel, RemoteObject


class RemoteValueField(serializers.ReadOnlyField):
    """One field of the monolith's rendering of a row, passed through unchanged."""

    def get_attribute(self, instance: Any) -> Any:
        if not isinstance(instance, RemoteObject):
            raise ImproperlyConfigured(
                f"{self.parent.__class__.__name__} renders monolith rows, got {instance!r}")
        try:
            return instance.representation[self.source]
        except KeyError:
            raise ImproperlyConfigured(
                f"field {self.source!r} of {instance._model.label} is not in the monolith "
                "bridge's allowlist") from None


def _value_field(schema: Any) -> RemoteValueField:
    """A RemoteValueField documented in OpenAPI as ``schema`` (any value when unknown)."""
    documented = extend_schema_field(schema)(type("RemoteValueField", (RemoteValueField,), {}))
    return documented()


class RemoteModelSerializer(serializers.Serializer):
    """Like ModelSerializer; ``Meta.model`` is a label or RemoteModel, ``Meta.fields`` a list.

    ``Meta.schema`` may map field names to OpenAPI schemas (from the monolith's field types) so
    the service's openapi.yaml keeps the monolith's types.
    """

    def get_fields(self) -> dict[str, serializers.Field]:
        meta = getattr(self, "Meta", None)
        if meta is None or not hasattr(meta, "fields") or not hasattr(meta, "model"):
            raise ImproperlyConfigured(f"{type(self).__name__}.Meta needs model and fields")
        model = meta.model if isinstance(meta.model, RemoteModel) else RemoteModel(meta.model)
        schemas = getattr(meta, "schema", {})
        declared = super().get_fields()
        fields: dict[str, serializers.Field] = {}
        for name in meta.fields:
            fields[name] = declared.pop(name, None) or _value_field(
                schemas.get(name, OpenApiTypes.ANY))
        if declared:
            raise ImproperlyConfigured(
                f"{type(self).__name__} declares {sorted(declared)} but Meta.fields of "
                f"{model.label} leaves them out")
        return fields

