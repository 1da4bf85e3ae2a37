import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from reviews.models import Comment, Review

pytestmark = pytest.mark.django_db

REVIEWS = reverse("reviews-api:review-list")


@pytest.fixture
def review(customer, keyboard) -> Review:
    return Review.objects.create(product=keyboard, user=customer, rating=4, title="Clicky")


def test_reviews_are_public_and_filterable_by_product(api_client, review, mouse):
    assert api_client.get(REVIEWS, {"product": review.product_id}).json()["count"] == 1
    assert api_client.get(REVIEWS, {"product": mouse.pk}).json()["count"] == 0


def test_writing_a_review_needs_an_account(api_client, keyboard):
    response = api_client.post(REVIEWS, {"product": keyboard.pk, "rating": 5, "title": "Great"})

    assert response.status_code == 401


def test_customer_writes_one_review_per_product(customer_client, keyboard):
    payload = {"product": keyboard.pk, "rating": 5, "title": "Great"}

    created = customer_client.post(REVIEWS, payload)
    duplicate = customer_client.post(REVIEWS, payload)

    assert created.status_code == 201
    assert created.json()["author"] == "alice"
    assert duplicate.status_code == 400
    assert duplicate.json() == {
        "non_field_errors": ["The fields product, user must make a unique set."]
    }


def test_rating_must_be_between_one_and_five(customer_client, keyboard):
    response = customer_client.post(REVIEWS, {"product": keyboard.pk, "rating": 6, "title": "!"})

    assert response.status_code == 400
    assert list(response.json()) == ["rating"]


def test_only_the_author_may_edit(review, customer_client, other_customer):
    url = reverse("reviews-api:review-detail", args=[review.pk])
    customer_client.force_login(other_customer)

    assert customer_client.patch(url, {"rating": 1}).status_code == 403
    review.refresh_from_db()
    assert review.rating == 4


def test_comments_attach_through_the_generic_relation(review, customer_client, other_customer):
    url = reverse("reviews-api:review-comments", args=[review.pk])
    customer_client.force_login(other_customer)

    response = customer_client.post(url, {"body": "Which switches?"})

    assert response.status_code == 201
    comment = Comment.objects.get()
    assert comment.content_type == ContentType.objects.get_for_model(Review)
    assert comment.content_object == review
    detail = customer_client.get(reverse("reviews-api:review-detail", args=[review.pk])).json()
    assert [(c["user"], c["body"]) for c in detail["comments"]] == [("bob", "Which switches?")]
