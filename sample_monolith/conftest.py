"""Fixtures shared by every app's tests: people, a small stocked catalog, and API clients."""

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Address, User
from catalog.models import Category, Product
from inventory.models import StockItem, Warehouse
from orders.models import Order
from orders.services import LineRequest, place_order
from promotions.models import Coupon

PASSWORD = "correct-horse-battery"


def make_user(username: str, **extra: object) -> User:
    user = User.objects.create_user(username, f"{username}@example.com", PASSWORD, **extra)
    Address.objects.create(
        user=user, full_name=username.title(), line1="1 Main Street", city="Lyon",
        postal_code="69001", country="FR", is_default=True,
    )
    return user


@pytest.fixture
def password() -> str:
    """Every fixture user's password, for tests that sign in through a form or the token API."""
    return PASSWORD


@pytest.fixture
def customer(db: None) -> User:
    return make_user("alice")


@pytest.fixture
def other_customer(db: None) -> User:
    return make_user("bob")


@pytest.fixture
def staff(db: None) -> User:
    return make_user("sam", is_staff=True)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def customer_client(customer: User) -> APIClient:
    """Signed in with a session cookie, as the browser front end is."""
    client = APIClient()
    client.force_login(customer)
    return client


@pytest.fixture
def staff_client(staff: User) -> APIClient:
    client = APIClient()
    client.force_login(staff)
    return client


@pytest.fixture
def token_client(customer: User) -> APIClient:
    """Signed in with ``Authorization: Token ...``, as mobile apps and scripts are."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=customer).key}")
    return client


@pytest.fixture
def category(db: None) -> Category:
    parent = Category.objects.create(name="Computers", slug="computers")
    return Category.objects.create(name="Accessories", slug="accessories", parent=parent)


@pytest.fixture
def warehouses(db: None) -> tuple[Warehouse, Warehouse]:
    return (
        Warehouse.objects.create(code="PAR", name="Paris hub", city="Paris", priority=0),
        Warehouse.objects.create(code="LIL", name="Lille depot", city="Lille", priority=1),
    )


@pytest.fixture
def keyboard(category: Category, warehouses: tuple[Warehouse, Warehouse]) -> Product:
    """50.00 each; 3 units in Paris (preferred) and 4 in Lille."""
    product = Product.objects.create(
        category=category, sku="KB-1", name="Keyboard", slug="keyboard", price=Decimal("50.00")
    )
    StockItem.objects.create(product=product, warehouse=warehouses[0], quantity=3)
    StockItem.objects.create(product=product, warehouse=warehouses[1], quantity=4)
    return product


@pytest.fixture
def mouse(category: Category, warehouses: tuple[Warehouse, Warehouse]) -> Product:
    """19.99 each; 10 units in Paris."""
    product = Product.objects.create(
        category=category, sku="MS-1", name="Mouse", slug="mouse", price=Decimal("19.99")
    )
    StockItem.objects.create(product=product, warehouse=warehouses[0], quantity=10)
    return product


@pytest.fixture
def coupon(keyboard: Product) -> Coupon:
    """10% off keyboards only."""
    coupon = Coupon.objects.create(
        code="KEYS10", percent_off=10, valid_from=timezone.now() - timedelta(days=1)
    )
    coupon.products.add(keyboard)
    return coupon


@pytest.fixture
def place(keyboard: Product, mouse: Product) -> Callable[..., Order]:
    """``place(user, keyboard=2)``: an order through the real checkout service."""

    def place_for(user: User, coupon_code: str = "", **quantities: int) -> Order:
        products = {"keyboard": keyboard, "mouse": mouse}
        return place_order(
            user=user,
            shipping_address=user.addresses.get(),
            lines=[LineRequest(products[name], qty) for name, qty in quantities.items()],
            coupon_code=coupon_code,
        )

    return place_for


@pytest.fixture
def stock_of() -> Callable[[Product], tuple[int, int]]:
    """``stock_of(product)`` -> (units on hand, units reserved), read fresh from the database."""

    def totals(product: Product) -> tuple[int, int]:
        items = StockItem.objects.filter(product=product)
        return sum(i.quantity for i in items), sum(i.reserved for i in items)

    return totals
