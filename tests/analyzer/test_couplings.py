"""App-level couplings, URL ownership and write scopes on the edge_shop fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.pipeline import build_graph
from decompose.model import ProjectGraph

from .conftest import FIXTURES


@pytest.fixture(scope="module")
def graph(tmp_path_factory) -> ProjectGraph:
    return build_graph(FIXTURES / "edge_shop", cache_dir=tmp_path_factory.mktemp("cache"))


def deps(graph: ProjectGraph) -> dict[tuple[str, str, str], list[str]]:
    return {(d.source, d.target, d.kind.value): [str(x) for x in d.locations]
            for d in graph.dependencies}


def test_every_kind_with_locations(graph: ProjectGraph) -> None:
    found = deps(graph)
    assert found[("sales", "catalog", "relation")] == ["shop/orders/models.py:16"]
    assert found[("sales", "people", "relation")] == ["shop/orders/models.py:9"]
    assert found[("sales", "catalog", "import")] == ["shop/orders/models.py:5",
                                                     "shop/orders/services.py:4"]
    assert found[("sales", "catalog", "orm")] == ["shop/orders/services.py:14"]
    assert found[("sales", "catalog", "dynamic")] == ["shop/orders/services.py:10"]
    assert found[("notify", "sales", "signal")] == ["notify/models.py:14", "notify/models.py:23"]
    assert found[("notify", "sales", "orm")] == ["notify/models.py:14"]
    assert found[("people", "auth", "inheritance")] == ["people/models.py:5"]
    # the abstract base outside any app carries its FK to the user model into catalog
    assert found[("catalog", "people", "relation")] == ["common/mixins.py:7"]
    assert all(d.weight == len(d.locations) for d in graph.dependencies)
    assert not any(s == t for s, t, _ in found)


def test_url_ownership(graph: ProjectGraph) -> None:
    routes = {(u.prefix, u.app, u.name) for u in graph.urls}
    assert routes == {
        ("/admin/", "admin", None),
        ("/orders/", "sales", "orders:list"),
        ("/orders/<int:pk>/", "sales", "orders:detail"),
        ("/catalog/", "catalog", "cat:list"),
        ("/media/", None, None),
    }


def test_multi_app_write_scopes(graph: ProjectGraph) -> None:
    scopes = {(w.kind, w.name, w.models, str(w.location)) for w in graph.write_scopes}
    models = ("catalog.Product", "sales.Order", "sales.OrderLine")
    assert scopes == {
        ("function", "shop.orders.services.place_order", models, "shop/orders/services.py:9"),
        ("atomic", "shop.orders.services.place_order", models, "shop/orders/services.py:11"),
    }


def test_migrations_are_not_read(graph: ProjectGraph, tmp_path: Path) -> None:
    assert graph.model("sales.Ghost") is None


def test_routers_i18n_and_app_to_app_includes(inline_project) -> None:
    graph = inline_project({
        "urls.py": """
            from django.conf.urls.i18n import i18n_patterns
            from django.urls import include, path
            urlpatterns = [path("api/", include("shop.api"))]
            urlpatterns += i18n_patterns(path("blog/", include("blog.urls")))
        """,
        "shop/__init__.py": "",
        "shop/api.py": """
            from django.urls import include, path
            from rest_framework.routers import DefaultRouter
            from shop.views import ItemViewSet
            router = DefaultRouter()
            router.register(r"items", ItemViewSet, basename="item")
            urlpatterns = [path("v1/", include(router.urls)), path("blog/", include("blog.urls"))]
        """,
        "shop/views.py": "class ItemViewSet:\n    pass\n",
        "blog/__init__.py": "",
        "blog/urls.py": """
            from django.urls import re_path
            from blog import views
            urlpatterns = [re_path(r"^(?P<slug>[-\\w]+)/$", views.post, name="post")]
        """,
        "blog/views.py": "def post(request, slug):\n    pass\n",
    }, apps=["shop", "blog"], settings_extra='ROOT_URLCONF = "urls"\n')
    routes = {(u.prefix, u.app, u.regex) for u in graph.urls}
    assert routes == {
        ("/api/v1/items/", "shop", False),
        ("/api/blog/(?P<slug>[-\\w]+)/$", "blog", True),
        ("/<language>/blog/(?P<slug>[-\\w]+)/$", "blog", True),
    }
    assert {(d.source, d.target, d.kind.value) for d in graph.dependencies} >= {
        ("shop", "blog", "url")}
