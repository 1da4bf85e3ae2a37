"""ServiceSpec refuses what cannot become a working service, and normalises the rest."""

from __future__ import annotations

import pytest

from extractor.spec import ServiceApp, ServiceSpec, SpecError, UrlMount


def make(**overrides) -> ServiceSpec:
    values = {
        "name": "orders",
        "apps": (ServiceApp("orders", "orders"),),
        "mounts": (UrlMount("api/", "orders.urls"),),
        "routes": ("/api/orders/",),
    }
    return ServiceSpec(**{**values, **overrides})


def test_minimal_spec_gets_defaults():
    spec = make()
    assert spec.image == "orders:0.1.0"
    assert spec.title == "Orders"
    assert spec.python_name == "orders"
    assert spec.default_auto_field == "django.db.models.BigAutoField"


def test_values_are_normalised():
    spec = make(
        name="shop-orders",
        apps=(ServiceApp("reviews", "reviews"), ServiceApp("orders", "orders")),
        routes=("/api/reviews/", "/api/orders/", "/api/orders/"),
        monolith_url="http://monolith:8000/",
    )
    assert [app.label for app in spec.apps] == ["orders", "reviews"]
    assert spec.routes == ("/api/orders/", "/api/reviews/")
    assert spec.monolith_url == "http://monolith:8000"
    assert spec.python_name == "shop_orders"
    assert spec.title == "Shop Orders"


@pytest.mark.parametrize(("overrides", "message"), [
    ({"name": "Orders"}, "lowercase DNS label"),
    ({"name": "orders_svc"}, "lowercase DNS label"),
    ({"name": "a" * 56}, "at most 55"),
    ({"apps": ()}, "at least one app"),
    ({"apps": (ServiceApp("orders", "orders"), ServiceApp("orders", "x.orders"))},
     "duplicate app labels"),
    ({"routes": ("api/orders/",)}, "must start and end with '/'"),
    ({"port": 0}, "out of range"),
    ({"monolith_url": "monolith:8000"}, "must be http"),
    ({"default_auto_field": "not a path"}, "not a dotted path"),
])
def test_bad_spec_values_are_refused(overrides, message):
    with pytest.raises(SpecError, match=message):
        make(**overrides)


@pytest.mark.parametrize(("label", "module", "message"), [
    ("orders", "shop-orders", "not a dotted Python module path"),
    ("orders", "config", "shadow the service's own 'config'"),
    ("ops", "ops.monitoring", "shadow the service's own 'ops'"),
    ("my-app", "orders", "not a Python identifier"),
])
def test_bad_apps_are_refused(label, module, message):
    with pytest.raises(SpecError, match=message):
        ServiceApp(label, module)


@pytest.mark.parametrize("prefix", ["/api/", "api"])
def test_bad_mount_prefix_is_refused(prefix):
    with pytest.raises(SpecError, match="must be relative and end with '/'"):
        UrlMount(prefix, "orders.urls")


def test_root_mount_is_allowed():
    assert UrlMount("", "orders.urls").prefix == ""
