"""Per-request context: request id in and out, one JSON access log line, request metrics."""

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from ops.context import REQUEST_ID_HEADER, accept_or_generate, request_id
from ops.metrics import LATENCY, REQUESTS

access_log = logging.getLogger("ops.access")


def route_of(request: HttpRequest) -> str:
    """The URL pattern that matched (bounded label values), not the raw path."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return "/" + match.route
    return getattr(request, "probe_route", "<unmatched>")


class RequestContextMiddleware:
    """Outermost middleware, so probes and error responses are logged and counted too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        current = accept_or_generate(request.headers.get(REQUEST_ID_HEADER))
        token = request_id.set(current)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            elapsed = time.perf_counter() - started
            response[REQUEST_ID_HEADER] = current
            route = route_of(request)
            REQUESTS.labels(request.method, route, str(response.status_code)).inc()
            LATENCY.labels(request.method, route).observe(elapsed)
            access_log.info(
                "%s %s %s",
                request.method,
                request.get_full_path(),
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "route": route,
                    "status": response.status_code,
                    "duration_ms": round(elapsed * 1000, 3),
                },
            )
            return response
        finally:
            request_id.reset(token)
