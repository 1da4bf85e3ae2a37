"""A monolith's DRF fork calls the exception handler with the exception alone, DRF with its
context: each gets its own handler's answer."""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.test import RequestFactory
from rest_framework.request import Request
from rest_framework.views import APIView

from decompose_remote.drf_fork import exception_handler


def forks_handler(exc: Exception) -> JsonResponse:
    """A fork's handler of its time (taiga's): its own body, called with the exception only."""
    return JsonResponse({"_error_message": str(exc), "_error_type": type(exc).__name__},
                        status=404)


def test_the_fork_gets_the_monoliths_handler_and_drf_its_own(settings):
    settings.DECOMPOSE_FORK_EXCEPTION_HANDLER = f"{__name__}.forks_handler"
    forked = exception_handler(Http404("no such page"))
    assert (forked.status_code, forked.content) == (
        404, b'{"_error_message": "no such page", "_error_type": "Http404"}')
    request = Request(RequestFactory().get("/api/health"))
    drf = exception_handler(Http404("no such page"), {"view": APIView(), "request": request})
    assert (drf.status_code, drf.data) == (404, {"detail": "no such page"})
