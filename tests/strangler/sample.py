"""The sample monolith's URL routes as the analyzer reports them, and routing states over them."""

from __future__ import annotations

from dataclasses import replace

from decompose.model import Location, Overrides, RoutingState, ServiceRoute, Stage, UrlRoute

# config/urls.py of sample_monolith: orders is included twice (pages and API).
SAMPLE_URLS = (
    UrlRoute("/admin/", "admin", Location("config/urls.py", 20)),
    UrlRoute("/orders/", "orders", Location("config/urls.py", 22), name="orders:order-list"),
    UrlRoute("/api/orders/", "orders", Location("config/urls.py", 10)),
    UrlRoute("/api/catalog/", "catalog", Location("config/urls.py", 8)),
    UrlRoute("/api/reviews/", "reviews", Location("config/urls.py", 13)),
)


def orders_state(monolith: str, service: str, stage: Stage = Stage.PERCENT, weight: int = 10, *,
                 sample: int = 100, overrides: Overrides | None = None,
                 auth_exchange: bool = False) -> RoutingState:
    route = ServiceRoute("orders", ("orders",), service, stage, weight, sample)
    state = RoutingState(monolith=monolith, services=(route,), auth_exchange=auth_exchange)
    return replace(state, overrides=overrides) if overrides else state
