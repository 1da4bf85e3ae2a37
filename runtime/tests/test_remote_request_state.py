"""The monolith's own middleware sets the request state the moved views read
(``request.tenant``): the service asks the bridge (pytest-django's live server) to run it for
each request, then sets the attributes, enters its scope and adds its headers, or gives the
client the middleware's own answer."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from decompose_remote.auth import TokenUser
from decompose_remote.client import get_client
from decompose_remote.models import RemoteModel
from decompose_remote.request_state import RequestStateMiddleware

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("bridge_knows_orders")]
TENANT = "runtime_test_tenants.TenantMiddleware"
LOGIN = "runtime_test_tenants.LoginRedirectMiddleware"


@pytest.fixture
def service(users: RemoteModel, settings) -> Callable[..., HttpResponse]:
    """A moved view behind the service's middleware; the monolith runs both of its own."""
    from django.contrib.auth.models import Group, User
    from runtime_test_scoped.models import Note

    settings.MIDDLEWARE = [*settings.MIDDLEWARE, LOGIN, TENANT]  # the monolith's
    settings.DECOMPOSE_REQUEST_STATE = {TENANT: ["tenant"], LOGIN: []}  # the service's
    settings.DECOMPOSE_REQUEST_STATE_VIEWS = ["runtime_test_urls"]  # where its views are
    Group.objects.create(name="acme")
    for owner in User.objects.all():
        Note.objects.create(owner=owner, text=owner.username)
    notes = RemoteModel("runtime_test_scoped.Note")

    def moved_view(request: HttpRequest) -> HttpResponse:
        seen = f"{request.tenant.name}: {[n.text for n in notes.objects.all()]}"
        if request.GET.get("zone"):
            seen += f" in {timezone.get_current_timezone_name()}"
        return HttpResponse(seen)

    def get(path: str, user: str | None = None, view: Callable[..., HttpResponse] = moved_view,
            method: str = "GET", **headers: str) -> HttpResponse:
        meta = {f"HTTP_{name.upper().replace('-', '_')}": value  # headers= is Django 4.2's
                for name, value in headers.items()}
        request = RequestFactory().generic(method, path, **meta)
        request.user = TokenUser({"sub": str(User.objects.get(username=user).pk)}) if (
            user) else AnonymousUser()
        return RequestStateMiddleware(view)(request)

    return get


def test_the_view_reads_the_row_the_monolith_middleware_set_in_its_scope(service):
    answer = service("/tenants/acme/notes/", user="alice")
    # request.tenant is the monolith's Group row; the notes query ran in alice's scope
    assert (answer.status_code, answer.content) == (200, b"acme: ['alice']")
    assert answer["X-Tenant"] == "acme"  # the header the middleware added to the view's answer


def test_the_view_runs_in_the_timezone_the_monolith_middleware_activated(service, settings):
    # pretalx's EventMiddleware activates the event's timezone: its times render in it
    answer = service("/tenants/acme/notes/?zone=1", user="alice")
    assert answer.content == b"acme: ['alice'] in Pacific/Auckland"
    assert timezone.get_current_timezone_name() == settings.TIME_ZONE  # the service's, after


def test_a_404_the_middleware_raises_is_the_clients_answer(service):
    answer = service("/tenants/nobody/notes/", user="alice")
    assert answer.status_code == 404
    assert "X-Tenant" not in answer


def test_a_redirect_the_middleware_answers_is_the_clients_answer(service):
    answer = service("/private/tenants/acme/notes/?page=2")
    assert (answer.status_code, answer["Location"]) == (
        302, "/login/?next=/private/tenants/acme/notes/?page=2")


def test_the_host_the_client_asked_for_is_the_one_the_middleware_sees(service, settings):
    settings.DECOMPOSE_REQUEST_STATE = {TENANT: ["tenant", "tenant_host"]}
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(request.tenant_host)
        return HttpResponse()

    service("/tenants/acme/notes/", user="bob", view=view, Host="acme.example")
    assert seen == ["acme.example"]


def test_middleware_the_monolith_does_not_run_is_refused(service, settings, caplog):
    settings.DECOMPOSE_REQUEST_STATE = {"runtime_test_tenants.Unknown": ["tenant"]}
    answer = service("/tenants/acme/notes/", user="alice")
    assert (answer.status_code, answer.content) == (
        502, b'{"detail": "The monolith gave an invalid answer."}')
    refused = [r for r in caplog.records if r.getMessage() == "monolith refused a bridge call"]
    assert [(r.status, r.body) for r in refused] == [  # type: ignore[attr-defined]
        (403, '{"detail": "middleware [\'runtime_test_tenants.Unknown\'] is not in the '
              'monolith\'s MIDDLEWARE"}')]


def test_without_the_monolith_a_moved_view_is_the_documented_503(service, settings):
    settings.MONOLITH_URL = "http://127.0.0.1:9"  # "discard": refused at once
    get_client.cache_clear()
    answer = service("/tenants/acme/notes/", user="alice")
    assert (answer.status_code, answer.content) == (
        503, b'{"detail": "The monolith is unavailable; try again later."}')


def test_the_services_own_views_and_unrouted_paths_do_without_the_monolith(service, settings):
    settings.MONOLITH_URL = "http://127.0.0.1:9"
    get_client.cache_clear()

    def own_view(request: HttpRequest) -> HttpResponse:
        return HttpResponse(str(hasattr(request, "tenant")))

    assert service("/nowhere/", user="alice", view=own_view).content == b"False"
    # a method the routed view refuses: its 405, whatever the monolith's middleware would set
    assert service("/tenants/acme/report/", user="alice", view=own_view, method="POST"
                   ).content == b"False"
    assert service("/tenants/acme/report/", user="alice", view=own_view).status_code == 503
    settings.DECOMPOSE_REQUEST_STATE_VIEWS = ["elsewhere"]
    assert service("/tenants/acme/notes/", user="alice", view=own_view).content == b"False"


def test_an_attribute_that_cannot_travel_is_the_monoliths_error_naming_it(service, settings):
    from decompose_remote.errors import RemoteError

    settings.DECOMPOSE_REQUEST_STATE = {TENANT: ["tenant", "tenant_host", "get_host"]}
    with pytest.raises(RemoteError, match=r"^request\.get_host: cannot encode a builtins\.method"):
        service("/tenants/acme/notes/", user="alice")
