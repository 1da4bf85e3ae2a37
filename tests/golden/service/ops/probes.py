"""/livez, /readyz and /metrics, answered before host validation and HTTPS redirects.

Kubelets and Prometheus call a pod by its IP over plain HTTP, so these paths must not depend on
ALLOWED_HOSTS or SECURE_SSL_REDIRECT; they never leave the cluster through the gateway.
"""

import logging
from collections.abc import Callable

from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse

from ops.metrics import exposition

logger = logging.getLogger(__name__)


def livez() -> HttpResponse:
    """The process is up and serving requests; nothing outside it is checked."""
    return JsonResponse({"status": "ok"})


def readyz() -> HttpResponse:
    """Ready for traffic only when every configured database answers a query."""
    checks = {}
    for alias in connections:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError as exc:
            logger.warning("readiness check failed", extra={"database": alias, "error": str(exc)})
            checks[alias] = "unavailable"
        else:
            checks[alias] = "ok"
    ready = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "databases": checks},
        status=200 if ready else 503,
    )


def metrics() -> HttpResponse:
    body, content_type = exposition()
    return HttpResponse(body, content_type=content_type)


PROBES: dict[str, Callable[[], HttpResponse]] = {
    "/livez": livez,
    "/readyz": readyz,
    "/metrics": metrics,
}


class ProbeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is None:
            return self.get_response(request)
        request.probe_route = request.path_info
        if request.method not in ("GET", "HEAD"):
            response = JsonResponse({"detail": f'Method "{request.method}" not allowed.'},
                                    status=405)
            response["Allow"] = "GET, HEAD"
            return response
        return probe()
