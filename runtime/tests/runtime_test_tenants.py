"""A monolith's own middleware as pretalx's EventMiddleware is one: the request's tenant
from the URL's ``tenant`` kwarg (404 for an unknown one), its views run in the user's
django-scopes scope and the tenant's timezone, a header on every answer; and one that sends
anonymous clients of ``/private/`` to the login page."""

import contextlib
from collections.abc import Callable

from django.contrib.auth.models import Group
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import resolve
from django.utils import timezone
from django_scopes import scope


class TenantMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        slug = resolve(request.path_info).kwargs.get("tenant")
        request.tenant = get_object_or_404(Group, name=slug) if slug else None
        request.tenant_host = request.get_host()
        with scope(user=request.user) if request.user.is_authenticated else (
                contextlib.nullcontext()), timezone.override("Pacific/Auckland"):
            response = self.get_response(request)
        if request.tenant is not None:
            response["X-Tenant"] = request.tenant.name
        return response


class LoginRedirectMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/private/") and not request.user.is_authenticated:
            return redirect(f"/login/?next={request.get_full_path()}")
        return self.get_response(request)
