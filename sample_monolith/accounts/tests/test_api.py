import pytest
from django.urls import reverse

from accounts.models import Address

pytestmark = pytest.mark.django_db

ME = reverse("accounts-api:me")


def test_me_requires_authentication(api_client):
    response = api_client.get(ME)

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_invalid_token_is_rejected(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)

    assert api_client.get(ME).status_code == 401


def test_me_with_session_and_with_token_agree(customer_client, token_client, customer):
    by_session = customer_client.get(ME).json()
    by_token = token_client.get(ME).json()

    assert by_session == by_token
    assert by_session["email"] == "alice@example.com"
    assert by_session["id"] == customer.pk


def test_token_endpoint_exchanges_password_for_token(api_client, customer, password):
    response = api_client.post(
        reverse("accounts-api:token"), {"username": "alice", "password": password}
    )

    assert response.status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api_client.get(ME).json()["username"] == "alice"


def test_me_can_be_updated_but_not_the_username(customer_client, customer):
    response = customer_client.patch(ME, {"first_name": "Alice", "username": "mallory"})

    assert response.status_code == 200
    customer.refresh_from_db()
    assert (customer.first_name, customer.username) == ("Alice", "alice")


def test_user_detail_is_staff_only(customer_client, staff_client, customer):
    url = reverse("accounts-api:user-detail", args=[customer.pk])

    assert customer_client.get(url).status_code == 403
    body = staff_client.get(url).json()
    assert (body["email"], body["is_staff"]) == ("alice@example.com", False)


def test_addresses_are_private_and_new_default_replaces_old(customer_client, customer,
                                                            other_customer):
    url = reverse("accounts-api:address-list")

    response = customer_client.post(url, {
        "full_name": "Alice at work", "line1": "2 Office Road", "city": "Paris",
        "postal_code": "75001", "country": "fr", "is_default": True,
    })

    assert response.status_code == 201
    assert response.json()["country"] == "FR"
    listed = customer_client.get(url).json()["results"]
    assert [(a["full_name"], a["is_default"]) for a in listed] == [
        ("Alice", False), ("Alice at work", True),
    ]
    assert Address.objects.filter(user=other_customer, is_default=True).count() == 1
