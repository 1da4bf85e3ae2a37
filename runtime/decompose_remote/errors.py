"""Errors of calls into the monolith, as the moved code and DRF expect to see them.

An exception raised by a monolith function travels back as ``{"error": {"type": dotted name,
"message": ...}}``; the mirror modules declare ``InsufficientStock = remote_exception(
"inventory.services.InsufficientStock")`` so ``except InsufficientStock`` in moved code still
catches it. Transport failures become DRF ``APIException``s, so every view answers them as JSON
(503 when the monolith cannot be reached, 502 when its answer makes no sense).
"""

from __future__ import annotations

from typing import Any

from rest_framework import status
from rest_framework.exceptions import APIException


class RemoteError(Exception):
    """An exception raised in the monolith that no mirrored class stands for."""

    remote_type = ""

    def __init__(self, message: str = "", remote_type: str = "") -> None:
        super().__init__(message)
        self.message = message
        if remote_type:
            self.remote_type = remote_type


class MonolithUnavailable(APIException):
    """The monolith could not be reached (connection refused, timeout) after any retries."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The monolith is unavailable; try again later."
    default_code = "monolith_unavailable"


class BadMonolithAnswer(APIException):
    """The monolith answered, but not with what the bridge protocol promises."""

    status_code = status.HTTP_502_BAD_GATEWAY
    default_detail = "The monolith gave an invalid answer."
    default_code = "bad_gateway"


_REGISTRY: dict[str, type[RemoteError]] = {
    # The monolith refuses a malformed lookup value (pk="abc") with these; code such as DRF's
    # PrimaryKeyRelatedField catches them by their builtin class.
    f"builtins.{builtin.__name__}": type(builtin.__name__, (RemoteError, builtin),
                                         {"__module__": __name__})
    for builtin in (ValueError, TypeError)
}


def remote_exception(dotted_name: str, base: type[RemoteError] = RemoteError) -> type[RemoteError]:
    """The local class standing for the monolith's exception ``dotted_name`` (one per name)."""
    if dotted_name in _REGISTRY:
        return _REGISTRY[dotted_name]
    module, _, name = dotted_name.rpartition(".")
    if not module or not name.isidentifier():
        raise ValueError(f"{dotted_name!r} is not a dotted exception name")
    cls = type(name, (base,), {"__module__": module, "remote_type": dotted_name,
                               "__doc__": f"Mirrors the monolith's {dotted_name}."})
    _REGISTRY[dotted_name] = cls
    return cls


def register(dotted_name: str, cls: type[RemoteError]) -> None:
    """Map ``dotted_name`` to an existing class (DoesNotExist of a RemoteModel)."""
    _REGISTRY[dotted_name] = cls


def raise_remote(error: Any) -> None:
    """Raise the local class for an ``{"type", "message"}`` error body from the monolith."""
    if not isinstance(error, dict) or not isinstance(error.get("type"), str):
        raise BadMonolithAnswer()
    message = str(error.get("message", ""))
    cls = _REGISTRY.get(error["type"], RemoteError)
    raise cls(message, error["type"])
