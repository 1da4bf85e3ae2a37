"""The plan on the real sample monolith: orders, and reviews so nothing is special-cased."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analyzer.pipeline import build_graph
from decompose.errors import CannotExtract, UnknownApp
from decompose.model import Handling, Level, Location
from extractor.codemods.base import ReverseKey
from extractor.plan import build_plan
from extractor.plan.relations import LocalReverse
from extractor.spec import CarriedSetting

MONOLITH = Path(__file__).resolve().parents[2] / "sample_monolith"


@pytest.fixture(scope="module")
def graph():
    return build_graph(MONOLITH, use_cache=False)


def test_unknown_app_is_one_clear_error(graph):
    with pytest.raises(UnknownApp, match="unknown app 'nope'"):
        build_plan(graph, MONOLITH, ["nope"])


def test_the_user_model_stays_with_the_identity_provider(graph):
    with pytest.raises(CannotExtract) as refused:
        build_plan(graph, MONOLITH, ["accounts", "orders"])
    assert str(refused.value).startswith("accounts/models.py:8: accounts holds the user model "
                                         "accounts.User: the monolith stays the identity provider")


def test_a_proxy_moves_only_with_the_model_whose_table_it_reads(graph):
    with pytest.raises(CannotExtract) as refused:
        build_plan(graph, MONOLITH, ["analytics"])
    assert str(refused.value) == (
        "analytics/models.py:12: analytics.SalesOrder is a proxy of orders.Order, whose table "
        "stays in the monolith: move them together (decompose extract analytics orders)")
    assert build_plan(graph, MONOLITH, ["analytics", "orders"]).record.apps == (
        "analytics", "orders")


def test_orders_plan(graph):
    plan = build_plan(graph, MONOLITH, ["orders"])
    record = plan.record
    assert record.service == "orders"
    assert record.routes == ("/admin/orders/", "/api/orders/", "/orders/")
    assert record.kept_routes == ()
    assert {(m.prefix, m.urlconf) for m in record.mounts} == {
        ("api/orders/", "orders.api.urls"), ("orders/", "orders.urls")}
    copied = {f.source: f.kind for f in record.files}
    assert copied["orders/models.py"] == copied["orders/admin.py"] == "app"
    assert not any("/migrations/" in p for p in copied)
    assert {p for p, k in copied.items() if "/tests/" in p} == {  # the app's tests go along
        p for p, k in copied.items() if k == "test"} and copied["orders/tests/test_api.py"]
    # Abstract base and model-free helpers are copied under the same path; catalog is not.
    # The pages' tag library comes along the same way, and the base template they extend.
    assert {p for p, k in copied.items() if k == "kernel"} == {
        "core/__init__.py", "core/models.py", "core/money.py", "core/pagination.py",
        "core/templatetags/__init__.py", "core/templatetags/money.py"}
    assert {(f.source, f.target) for f in record.files if f.kind == "template"} == {
        ("templates/base.html", "templates/base.html")}
    spec = plan.spec
    assert spec.template_libraries == (("money", "core.templatetags.money"),)
    assert spec.monolith_pages == (("", (("accounts/login/", "login"),
                                         ("accounts/logout/", "logout"))),)
    assert (spec.login_url, spec.login_redirect_url) == ("login", "orders:order-list")
    assert spec.monolith_settings == (CarriedSetting("SHOP_CURRENCY", "'EUR'"),)
    # Reverse relations from models that stay are asked of the monolith.
    assert {(a.name, a.source, a.one) for a in plan.boundary.remote_accessors} == {
        ("shipments", "shipping.Shipment", False), ("payment", "payments.Payment", True),
        ("coupon_redemption", "promotions.CouponRedemption", True)}
    handled = {d.target: d.handling for d in record.dependencies}
    assert handled["orders.Order.user -> accounts.User"] == Handling.ID_COLUMN
    assert handled["inventory.services.reserve_stock"] == Handling.REMOTE_FUNCTION
    assert handled["inventory.services.InsufficientStock"] == Handling.REMOTE_EXCEPTION
    assert handled["catalog.models.Product"] == Handling.REMOTE_MODEL
    # Column types follow the targets' primary keys: BigAutoField users, AutoField products.
    column = {(r.model, r.field): r.column_type for r in plan.boundary.replaced}
    assert column[("orders.Order", "user")] == "BigIntegerField"
    assert column[("orders.OrderLine", "product")] == "IntegerField"
    # The notifications receivers will not fire for service requests: loud, with path:line.
    signals = {c.location for c in record.inbound if c.kind == "signal"}
    assert Location("notifications/receivers.py", 15) in signals
    assert all(c.level == Level.ERROR for c in record.inbound if c.kind == "signal")
    assert "shipping.services.ship_order" in {t.name for t in record.transactions}
    assert dict(record.rest_framework)["DEFAULT_PAGINATION_CLASS"] == \
        "'core.pagination.StandardPagination'"
    assert record.third_party_apps == ("django_filters",)
    assert (record.monolith_settings, record.monolith_urlconf) == ("config.settings.base",
                                                                   "config.urls")
    access = {m.label: m for m in plan.allowlist.models}
    assert "discount_for" in access["promotions.Coupon"].methods
    assert access["catalog.Product"].chains == ("active",)
    assert "password" not in access["accounts.User"].fields
    assert "inventory.services.reserve_stock" in plan.allowlist.functions


def test_reviews_plan(graph):
    plan = build_plan(graph, MONOLITH, ["reviews"])
    record = plan.record
    assert record.routes == ("/admin/reviews/", "/api/reviews/")
    # contenttypes is installed in the service: that foreign key stays a real one.
    assert {(r.model, r.field) for r in plan.boundary.replaced} == {
        ("reviews.Comment", "user"), ("reviews.Review", "product"), ("reviews.Review", "user")}
    assert "core/permissions.py" in {f.source for f in record.files if f.kind == "kernel"}
    assert not [c for c in record.inbound if c.kind == "signal"]
    assert record.third_party_apps == ("django_filters",)  # DEFAULT_FILTER_BACKENDS needs it


def test_plan_is_deterministic(graph):
    assert build_plan(graph, MONOLITH, ["orders"]) == build_plan(graph, MONOLITH, ["orders"])


def test_pages_whose_templates_cannot_be_provided_stay_on_the_monolith(tmp_path):
    shop = tmp_path / "shop"
    shutil.copytree(MONOLITH, shop, ignore=shutil.ignore_patterns("__pycache__", "db.sqlite3"))
    (shop / "templates" / "base.html").unlink()
    record = build_plan(build_graph(shop, use_cache=False), shop, ["orders"]).record
    assert record.routes == ("/admin/orders/", "/api/orders/")
    assert [(k.prefix, k.reason) for k in record.kept_routes] == [(
        "/orders/", "server-rendered pages whose templates need what the service cannot "
                    "provide: template 'base.html' (used by "
                    "orders/templates/orders/order_detail.html) is not in the monolith; template "
                    "'base.html' (used by orders/templates/orders/order_list.html) is not in the "
                    "monolith")]
    assert not any(f.kind == "template" for f in record.files)


def test_a_template_library_importing_a_model_that_stays_is_carried(tmp_path):
    """pretalx's ``form_media`` imports its forms widgets, which import a staying model: a
    template library loads by its module path, its tags registered as it runs, so the
    service gets the module (its imports planned like the moved code's), not a mirror."""
    shop = tmp_path / "shop"
    shutil.copytree(MONOLITH, shop, ignore=shutil.ignore_patterns("__pycache__", "db.sqlite3"))
    money = shop / "core" / "templatetags" / "money.py"
    money.write_text(money.read_text().replace(
        "from core.money import format_money\n",
        "from catalog.models import Product\nfrom core.money import format_money\n\n"
        "PRODUCT = Product\n"))
    plan = build_plan(build_graph(shop, use_cache=False), shop, ["orders"])
    kinds = {f.source: f.kind for f in plan.record.files}
    assert kinds["core/templatetags/money.py"] == "carried"
    assert plan.spec.template_libraries == (("money", "core.templatetags.money"),)
    assert {(d.target, d.handling) for d in plan.record.dependencies
            if d.location.path == "orders/templates/orders/order_list.html"} >= {
        ("core.templatetags.money", Handling.CARRIED)}


def test_an_unreadable_template_keeps_the_pages_on_the_monolith(tmp_path):
    shop = tmp_path / "shop"
    shutil.copytree(MONOLITH, shop, ignore=shutil.ignore_patterns("__pycache__", "db.sqlite3"))
    (shop / "templates" / "base.html").write_bytes(b"{% block content %}\xff{% endblock %}")
    record = build_plan(build_graph(shop, use_cache=False), shop, ["orders"]).record
    assert [k.prefix for k in record.kept_routes] == ["/orders/"]
    assert "template templates/base.html cannot be read (UnicodeDecodeError)" in \
        record.kept_routes[0].reason


def test_the_models_that_stay_keep_the_reverse_accessors_of_the_moved_keys(graph):
    # the service answers them from its own rows: ``user.reviews``, a one-to-one's one row
    reviews = build_plan(graph, MONOLITH, ["reviews"]).local_reverses
    assert reviews == (
        ("accounts.User", (LocalReverse("comments", "reviews.Comment", "user_id", False),
                           LocalReverse("reviews", "reviews.Review", "user_id", False))),
        ("catalog.Product", (LocalReverse("reviews", "reviews.Review", "product_id", False),)))
    assert build_plan(graph, MONOLITH, ["payments"]).local_reverses == (
        ("orders.Order", (LocalReverse("payment", "payments.Payment", "order_id", True),)),)


def test_the_models_that_stay_lose_the_query_names_of_the_moved_keys(graph):
    # ``User.objects.filter(reviews__rating=5)``: the codemods ask the service's rows instead
    assert build_plan(graph, MONOLITH, ["reviews"]).boundary.reverse_keys == (
        ReverseKey("comments", "reviews.Comment", "user_id", "accounts.User"),
        ReverseKey("reviews", "reviews.Review", "product_id", "catalog.Product"),
        ReverseKey("reviews", "reviews.Review", "user_id", "accounts.User"))
