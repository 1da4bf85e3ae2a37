"""The exception handler of a service whose monolith has its own fork of DRF (taiga's).

The fork, copied with the moved code, reads the service's ``REST_FRAMEWORK`` as the service's
DRF does, and both call its ``EXCEPTION_HANDLER``: DRF with ``(exc, context)`` since 3.1, a
fork of an older DRF with the exception alone. This handler answers each with its own, so the
moved views' errors keep the monolith's body (``DECOMPOSE_FORK_EXCEPTION_HANDLER``, the
monolith's handler) and the service's own DRF views keep DRF's.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from rest_framework.views import exception_handler as drf_exception_handler

_CALLED_BY_THE_FORK: Any = object()


def exception_handler(exc: Exception, context: Any = _CALLED_BY_THE_FORK) -> Any:
    """The monolith's handler for the fork's views, DRF's for DRF's."""
    if context is _CALLED_BY_THE_FORK:
        return import_string(settings.DECOMPOSE_FORK_EXCEPTION_HANDLER)(exc)
    return drf_exception_handler(exc, context)
