"""Errors outside DRF's views (which answer theirs in JSON) are answered as the monolith
answers them: its root URLconf's error views, else Django's with its error templates."""

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def test_unknown_path_is_a_404(client, unrouted_path):
    assert client.get(unrouted_path).status_code == 404


@override_settings(ROOT_URLCONF="tests.urls")
def test_unhandled_exception_is_a_500():
    client = Client(raise_request_exception=False)
    assert client.get("/crash/").status_code == 500


@override_settings(ROOT_URLCONF="tests.urls")
def test_csrf_failure_is_a_403():
    response = Client(enforce_csrf_checks=True).post("/form/")
    assert response.status_code == 403
