"""Shadow traffic: a copy of real requests (mirrored by the gateway) that must change nothing.

A request is shadow when it carries ``X-Decompose-Shadow: 1`` (nginx ``mirror``, HAProxy) or
its Host's first label ends in ``-shadow`` (Gateway API / Istio mirrors keep the headers but can
send to a separate host name). Shadow requests may read: unsafe methods are answered 403 before
any view runs, mail is dropped, the monolith client refuses calls that may write, and task
helpers call ``refuse_on_shadow()`` before enqueueing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.http import HttpRequest, HttpResponse, JsonResponse

HEADER = "HTTP_X_DECOMPOSE_SHADOW"
HOST_SUFFIX = "-shadow"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REFUSAL = "Shadow traffic may not change anything."

_shadow: ContextVar[bool] = ContextVar("decompose_shadow", default=False)


class ShadowWriteRefused(PermissionDenied):
    """Something tried to write on behalf of a shadow request."""


def is_shadow() -> bool:
    """Whether the request being handled is mirrored shadow traffic."""
    return _shadow.get()


def refuse_on_shadow(what: str = "this operation") -> None:
    """Call before enqueueing a task (or any other side effect) a shadow request must not do."""
    if is_shadow():
        raise ShadowWriteRefused(f"{REFUSAL} Refused: {what}.")


def request_is_shadow(request: HttpRequest) -> bool:
    host = request.META.get("HTTP_HOST", "").split(":")[0].split(".")[0]
    return str(request.META.get(HEADER, "")).strip() == "1" or host.endswith(HOST_SUFFIX)


class ShadowModeMiddleware:
    """Marks shadow requests for the whole call, and refuses their unsafe methods with 403."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request_is_shadow(request):
            return self.get_response(request)
        if request.method not in SAFE_METHODS:
            return JsonResponse({"detail": REFUSAL}, status=403)
        token = _shadow.set(True)
        try:
            return self.get_response(request)
        finally:
            _shadow.reset(token)


class ShadowSafeEmailBackend(BaseEmailBackend):
    """Sends through ``DECOMPOSE_EMAIL_BACKEND``, except for shadow requests: dropped."""

    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently)
        self.inner = get_connection(settings.DECOMPOSE_EMAIL_BACKEND,
                                    fail_silently=fail_silently, **kwargs)

    def send_messages(self, email_messages: Sequence[Any]) -> int:
        if is_shadow():
            return 0
        sent: int = self.inner.send_messages(email_messages)
        return sent
