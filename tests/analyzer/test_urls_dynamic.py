"""URL ownership from URLconfs as real projects write them (tests/fixtures/urls_dynamic):
f-string and variable prefixes, include() of a variable, of an inline list or of a router
imported from another module (built with ``trailing_slash=False``: its routes end without a
slash), loops, routers registered in a loop; what cannot be read is a warning with its
location, never a silent 0."""

from __future__ import annotations

from analyzer.pipeline import build_graph

from .conftest import FIXTURES


def test_dynamic_urlconfs_give_every_route_and_warn_where_they_cannot() -> None:
    graph = build_graph(FIXTURES / "urls_dynamic", use_cache=False)
    assert sorted((u.prefix, u.app, u.view, u.name, str(u.location)) for u in graph.urls) == [
        ("/api/v2/carts/", "shop", "shop.views.CartViewSet", "carts", "shop/api.py:7"),
        ("/api/v2/orders/", "shop", "shop.views.OrderViewSet", "orders", "shop/api.py:7"),
        ("/api/v3/coupons", "shop", "shop.views.CouponViewSet", "coupons",
         "shop/routers.py:6"),
        ("/events/", "blog", "blog.views.events", "events", "blog/events_urls.py:5"),
        ("/news/", "blog", "blog.views.news", "news", "blog/news_urls.py:5"),
        ("/portal/", "blog", "blog.views.index", "home", "blog/urls.py:6"),
        ("/portal/<slug:event>/archive/", "blog", "blog.views.archive", "archive",
         "blog/urls.py:9"),
        ("/portal/admin/", "admin", "django.contrib.admin.site", None, "urls.py:13"),
        ("/shop/", "shop", "shop.views.index", "index", "shop/urls.py:5"),
    ]
    assert sorted((w.code, str(w.location)) for w in graph.warnings) == [
        ("url-entry-unknown", "blog/legacy_urls.py:3"),
        ("url-entry-unknown", "blog/urls.py:10"),
        ("url-entry-unknown", "urls.py:22"),
        ("urlconf-no-routes", "blog/legacy_urls.py:3"),
    ]
