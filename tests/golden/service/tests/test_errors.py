import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def test_unknown_path_is_a_json_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


@override_settings(ROOT_URLCONF="tests.urls")
def test_unhandled_exception_is_a_json_500():
    client = Client(raise_request_exception=False)
    response = client.get("/crash/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "A server error occurred."}


@override_settings(ROOT_URLCONF="tests.urls")
def test_csrf_failure_is_a_json_403():
    response = Client(enforce_csrf_checks=True).post("/form/")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF Failed")
