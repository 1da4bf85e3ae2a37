"""Shadow traffic reads like real traffic and changes nothing (decompose_remote.shadow)."""

import pytest
from decompose_remote.client import MonolithClient
from decompose_remote.shadow import (
    ShadowModeMiddleware,
    ShadowWriteRefused,
    is_shadow,
    refuse_on_shadow,
)
from django.core import mail
from django.core.mail import get_connection, send_mail
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def run_through_middleware(request, view):
    return ShadowModeMiddleware(view)(request)


@pytest.mark.parametrize("headers", [{}, {"HTTP_HOST": "widgets-shadowed.example"}])
def test_ordinary_requests_are_not_shadow(headers):
    request = RequestFactory().post("/", **headers)
    seen = []
    run_through_middleware(request, lambda r: seen.append(is_shadow()) or "done")
    assert seen == [False]


@pytest.mark.parametrize("headers", [{"HTTP_X_DECOMPOSE_SHADOW": "1"},
                                     {"HTTP_HOST": "widgets-shadow:8000"},
                                     {"HTTP_HOST": "widgets-shadow.shop.svc"}])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_shadow_requests_may_not_write(headers, method):
    request = getattr(RequestFactory(), method)("/", **headers)
    response = run_through_middleware(request, lambda r: pytest.fail("the view ran"))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"


def test_shadow_reads_run_with_the_flag_set_and_reset_after():
    request = RequestFactory().get("/", HTTP_X_DECOMPOSE_SHADOW="1")
    seen = []
    run_through_middleware(request, lambda r: seen.append(is_shadow()) or "done")
    assert seen == [True] and not is_shadow()


def test_mail_is_dropped_for_shadow_requests_only(settings):
    # Django's test runner swaps EMAIL_BACKEND for locmem; use the production wrapper around it.
    settings.DECOMPOSE_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    def view(request):
        send_mail("Order placed", "Thanks!", "shop@example.com", ["alice@example.com"],
                  connection=get_connection("decompose_remote.shadow.ShadowSafeEmailBackend"))
        return "done"

    run_through_middleware(RequestFactory().get("/", HTTP_X_DECOMPOSE_SHADOW="1"), view)
    assert mail.outbox == []
    run_through_middleware(RequestFactory().get("/"), view)
    assert [m.subject for m in mail.outbox] == ["Order placed"]


def test_task_helpers_and_monolith_writes_are_refused_in_shadow():
    client = MonolithClient("http://127.0.0.1:9", "widgets", "unused")
    refused = []

    def view(request):
        for attempt in (lambda: refuse_on_shadow("enqueueing send_receipt"),
                        lambda: client.post("rpc", {"op": "call", "target": "a.b"},
                                            idempotent=False)):
            with pytest.raises(ShadowWriteRefused):
                attempt()
            refused.append(True)
        return "done"

    run_through_middleware(RequestFactory().get("/", HTTP_X_DECOMPOSE_SHADOW="1"), view)
    assert refused == [True, True]
    refuse_on_shadow("outside a shadow request")  # no exception
