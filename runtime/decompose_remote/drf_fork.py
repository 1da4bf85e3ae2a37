"""What a service whose monolith has its own fork of DRF (taiga's) needs of it: the exception
handler, and the key field of a relation that became an id column.

The fork, copied with the moved code, reads the service's ``REST_FRAMEWORK`` as the service's
DRF does, and both call its ``EXCEPTION_HANDLER``: DRF with ``(exc, context)`` since 3.1, a
fork of an older DRF with the exception alone. This handler answers each with its own, so the
moved views' errors keep the monolith's body (``DECOMPOSE_FORK_EXCEPTION_HANDLER``, the
monolith's handler) and the service's own DRF views keep DRF's.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from rest_framework.views import exception_handler as drf_exception_handler

from decompose_remote.models import pk_of

_CALLED_BY_THE_FORK: Any = object()


def exception_handler(exc: Exception, context: Any = _CALLED_BY_THE_FORK) -> Any:
    """The monolith's handler for the fork's views, DRF's for DRF's."""
    if context is _CALLED_BY_THE_FORK:
        return import_string(settings.DECOMPOSE_FORK_EXCEPTION_HANDLER)(exc)
    return drf_exception_handler(exc, context)


@functools.cache
def id_column_key(field_class: type[Any]) -> type[Any]:
    """The fork's primary key field (``PrimaryKeyRelatedField``, declared with
    ``source="user_id"``) for a relation that is an id column in the service: it renders the
    column, as the fork rendered the key of the related row, and a written key, checked
    against its queryset (the monolith's rows) by the fork, is stored as the key itself."""

    class IdColumnKey(field_class):  # type: ignore[misc]
        def from_native(self, data: Any) -> Any:
            return pk_of(super().from_native(data))

    IdColumnKey.__name__ = IdColumnKey.__qualname__ = f"IdColumn{field_class.__name__}"
    return IdColumnKey
