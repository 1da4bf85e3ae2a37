from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import Category, DigitalProduct, Product, ProductImage

pytestmark = pytest.mark.django_db

PRODUCTS = reverse("catalog-api:product-list")


def names(response) -> list[str]:
    return [product["name"] for product in response.json()["results"]]


def test_anonymous_visitors_can_browse_products(api_client, keyboard, mouse):
    response = api_client.get(PRODUCTS)

    assert response.status_code == 200
    assert names(response) == ["Keyboard", "Mouse"]


def test_products_cannot_be_created_through_the_api(staff_client, category):
    response = staff_client.post(PRODUCTS, {"name": "Pen", "sku": "P", "price": "1.00"})

    assert response.status_code == 405


def test_inactive_products_are_hidden(api_client, keyboard, mouse):
    Product.objects.filter(pk=mouse.pk).update(is_active=False)

    assert names(api_client.get(PRODUCTS)) == ["Keyboard"]
    assert api_client.get(reverse("catalog-api:product-detail", args=[mouse.pk])).status_code == 404


def test_category_filter_includes_subcategories(api_client, keyboard, category):
    other = Category.objects.create(name="Books", slug="books")
    Product.objects.create(category=other, sku="BK", name="Book", slug="book", price="9.00")

    assert names(api_client.get(PRODUCTS, {"category": "computers"})) == ["Keyboard"]
    assert names(api_client.get(PRODUCTS, {"category": "books"})) == ["Book"]


def test_price_range_search_and_ordering(api_client, keyboard, mouse):
    assert names(api_client.get(PRODUCTS, {"max_price": "20"})) == ["Mouse"]
    assert names(api_client.get(PRODUCTS, {"search": "KB-"})) == ["Keyboard"]
    assert names(api_client.get(PRODUCTS, {"ordering": "price"})) == ["Mouse", "Keyboard"]


def test_product_detail_lists_images_in_position_order(api_client, keyboard):
    ProductImage.objects.create(product=keyboard, image="products/kb-back.jpg", position=2)
    ProductImage.objects.create(product=keyboard, image="products/kb-front.jpg", position=1)

    body = api_client.get(reverse("catalog-api:product-detail", args=[keyboard.pk])).json()

    assert body["category"] == "accessories"
    assert body["price"] == "50.00"
    assert [image["image"] for image in body["images"]] == [
        "http://testserver/media/products/kb-front.jpg",
        "http://testserver/media/products/kb-back.jpg",
    ]


def test_digital_products_are_products_too(api_client, category):
    DigitalProduct.objects.create(
        category=category, sku="EB-1", name="E-book", slug="e-book", price=Decimal("5.00"),
        download_url="https://downloads.example.com/e-book.pdf", file_size_mb=3,
    )

    assert names(api_client.get(PRODUCTS)) == ["E-book"]


def test_categories_are_looked_up_by_slug(api_client, category):
    body = api_client.get(reverse("catalog-api:category-detail", args=["accessories"])).json()

    assert body == {
        "id": category.pk, "name": "Accessories", "slug": "accessories",
        "parent": category.parent_id,
    }
