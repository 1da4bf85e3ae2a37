"""OpenAPI generation without the monolith.

drf-spectacular calls each view's ``get_queryset()`` only to learn its model. When that
queryset asks the monolith which rows match (``pks_where``, from a lookup that traversed a
relation out of the service), the answer cannot change the schema, and at build time or in CI
there is no monolith to ask: while the schema is generated, such questions answer "no rows".
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from drf_spectacular.generators import SchemaGenerator

GENERATING: ContextVar[bool] = ContextVar("decompose_schema_generating", default=False)


class OfflineSchemaGenerator(SchemaGenerator):
    def get_schema(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        token = GENERATING.set(True)
        try:
            schema: dict[str, Any] = super().get_schema(  # type: ignore[no-untyped-call]
                *args, **kwargs)
            return schema
        finally:
            GENERATING.reset(token)
