"""Build the demo shop through the same services the web app uses, so the data is consistent.

Everything random comes from one ``random.Random(seed)``: the same seed gives the same shop.
"""

import hashlib
import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django.utils.text import slugify
from rest_framework.authtoken.models import Token

from accounts.models import Address, User
from catalog.models import Category, DigitalProduct, Product, ProductImage
from demo import catalog as data
from inventory.models import StockItem, Warehouse
from inventory.services import InsufficientStock
from orders.models import Order
from orders.services import LineRequest, cancel_order, place_order
from promotions.models import Coupon
from promotions.services import InvalidCoupon
from reviews.models import Comment, Review
from shipping.models import Carrier
from shipping.services import ship_order

DEMO_PASSWORD = "demo-password"
NAMED_CUSTOMERS = ["alice", "bob", "carol"]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    token: str
    is_staff: bool


def demo_token(username: str) -> str:
    """A token derived from the username, so docs and scripts can rely on it (demo only!)."""
    return hashlib.sha1(f"decompose-demo:{username}".encode()).hexdigest()


def is_seeded() -> bool:
    return User.objects.filter(username="admin").exists()


def seed(rng: random.Random, *, customers: int = 20, orders: int = 120) -> list[DemoAccount]:
    """Fill an empty database; returns the accounts whose credentials are worth printing."""
    accounts = _people(rng, extra_customers=customers)
    products = _catalog(rng)
    _stock(rng, products)
    _carriers()
    _promotions(products)
    _orders(rng, products, count=orders)
    _reviews(rng, products)
    return accounts


def _people(rng: random.Random, extra_customers: int) -> list[DemoAccount]:
    password = make_password(DEMO_PASSWORD)  # hashed once: the default hasher is slow by design
    User.objects.create(username="admin", email="admin@shop.example", password=password,
                        is_staff=True, is_superuser=True)
    usernames = NAMED_CUSTOMERS + [f"customer{n:02d}" for n in range(1, extra_customers + 1)]
    for username in usernames:
        user = User.objects.create(username=username, email=f"{username}@shop.example",
                                   first_name=username.title(), password=password)
        for n in range(rng.randint(1, 2)):
            city, postal_code = rng.choice(data.CITIES)
            Address.objects.create(
                user=user, full_name=user.first_name, city=city, postal_code=postal_code,
                line1=f"{rng.randint(1, 120)} {rng.choice(data.STREETS)}", country="FR",
                is_default=n == 0,
            )
    accounts = []
    for user in User.objects.filter(username__in=["admin", *NAMED_CUSTOMERS]).order_by("id"):
        token = Token.objects.create(user=user, key=demo_token(user.username))
        accounts.append(DemoAccount(user.username, token.key, user.is_staff))
    return accounts


def _catalog(rng: random.Random) -> list[Product]:
    products: list[Product] = []
    for root_name, leaves in data.CATEGORIES.items():
        root = Category.objects.create(name=root_name, slug=slugify(root_name))
        for leaf_name in leaves:
            leaf = Category.objects.create(name=leaf_name, slug=slugify(leaf_name), parent=root)
            for noun in data.NOUNS[leaf_name]:
                for adjective in rng.sample(data.ADJECTIVES, 2):
                    sku = f"{leaf.slug[:3].upper()}-{len(products) + 1:04d}"
                    products.append(_product(rng, leaf, f"{adjective} {noun}", sku))
    return products


def _product(rng: random.Random, category: Category, name: str, sku: str) -> Product:
    fields = {
        "category": category,
        "name": name,
        "slug": slugify(f"{category.slug}-{name}"),
        "sku": sku,
        "description": f"{name}, from our {category.name.lower()} range.",
        "price": Decimal(rng.randrange(499, 49999)) / 100,
    }
    if category.name in data.DIGITAL_CATEGORIES:
        product: Product = DigitalProduct.objects.create(
            **fields, file_size_mb=rng.randint(40, 400),
            download_url=f"https://downloads.shop.example/{fields['slug']}.zip",
        )
    else:
        product = Product.objects.create(**fields)
    for position in range(rng.randint(1, 2)):
        ProductImage.objects.create(product=product, position=position, alt_text=name,
                                    image=f"products/{product.slug}-{position}.jpg")
    return product


def _stock(rng: random.Random, products: list[Product]) -> None:
    warehouses = [
        Warehouse.objects.create(code=code, name=name, city=city, priority=priority)
        for priority, (code, name, city) in enumerate(data.WAREHOUSES)
    ]
    for product in products:
        for warehouse in rng.sample(warehouses, rng.randint(1, len(warehouses))):
            StockItem.objects.create(product=product, warehouse=warehouse,
                                     quantity=rng.randint(10, 60))


def _carriers() -> None:
    for code, name, template in data.CARRIERS:
        Carrier.objects.create(code=code, name=name, tracking_url_template=template)


def _promotions(products: list[Product]) -> None:
    now = timezone.now()
    Coupon.objects.create(code="WELCOME10", percent_off=10, valid_from=now - timedelta(days=365),
                          description="10% off a whole order")
    books = Coupon.objects.create(code="CODE20", percent_off=20, max_redemptions=25,
                                  valid_from=now - timedelta(days=30),
                                  description="20% off programming books")
    books.products.set([p for p in products if p.category.name == "Programming"])
    Coupon.objects.create(code="SUMMER15", percent_off=15, valid_from=now - timedelta(days=200),
                          valid_until=now - timedelta(days=100), description="Expired")


def _orders(rng: random.Random, products: list[Product], count: int) -> None:
    customers = list(User.objects.filter(is_staff=False).prefetch_related("addresses"))
    carriers = list(Carrier.objects.all())
    for n in range(count):
        customer = rng.choice(customers)
        lines = [LineRequest(product, rng.randint(1, 3))
                 for product in rng.sample(products, rng.randint(1, 4))]
        coupon_code = rng.choice(["WELCOME10", "CODE20"]) if rng.random() < 0.2 else ""
        address = rng.choice(list(customer.addresses.all()))
        try:
            order = _checkout(customer, address, lines, coupon_code)
        except InsufficientStock:
            continue  # sold out: this shopper gives up, as real ones do
        fate = rng.random()
        if fate < 0.15:
            cancel_order(order, reason="Customer changed their mind")
        elif fate < 0.5:
            ship_order(order, rng.choice(carriers), tracking_number=f"TRK{n:06d}")


def _checkout(customer: User, address: Address, lines: list[LineRequest],
              coupon_code: str) -> Order:
    """Shoppers who try a coupon they already used check out without it."""
    try:
        return place_order(user=customer, shipping_address=address, lines=lines,
                           coupon_code=coupon_code)
    except InvalidCoupon:
        return place_order(user=customer, shipping_address=address, lines=lines)


def _reviews(rng: random.Random, products: list[Product]) -> None:
    customers = list(User.objects.filter(is_staff=False))
    pairs = rng.sample([(p, c) for p in products for c in customers], 90)
    reviews = [
        Review.objects.create(product=product, user=customer, rating=rng.randint(1, 5),
                              title=rng.choice(["Love it", "Does the job", "Meh", "Great value",
                                                "Not as described"]),
                              body=f"My thoughts on the {product.name.lower()}.")
        for product, customer in pairs
    ]
    for review in rng.sample(reviews, 30):
        Comment.objects.create(content_object=review, user=rng.choice(customers),
                               body="Thanks, this helped me decide.")
