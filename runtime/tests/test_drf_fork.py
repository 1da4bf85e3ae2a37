"""A monolith's DRF fork calls the exception handler with the exception alone, DRF with its
context: each gets its own handler's answer. The fork's key field of a relation that is an id
column in the service stores the key it checked."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.http import Http404, JsonResponse
from django.test import RequestFactory
from rest_framework.request import Request
from rest_framework.views import APIView

from decompose_remote.drf_fork import exception_handler, id_column_key


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


class ForksKeyField:
    """A fork's PrimaryKeyRelatedField of DRF 2's time: a written key is the row it names."""

    def __init__(self, source: str = "", queryset=None) -> None:
        self.source, self.queryset = source, queryset

    def from_native(self, data):
        return self.queryset.get(pk=data)


@pytest.mark.django_db
def test_the_fork_s_key_field_of_an_id_column_stores_the_key_it_checked():
    alice = User.objects.create(username="alice")
    field = id_column_key(ForksKeyField)(source="user_id", queryset=User.objects.all())
    assert (field.from_native(str(alice.pk)), field.source) == (alice.pk, "user_id")
    with pytest.raises(User.DoesNotExist):  # as the fork refuses a key of no row
        field.from_native(alice.pk + 1)
    assert isinstance(field, ForksKeyField) and id_column_key(ForksKeyField) is type(field)
