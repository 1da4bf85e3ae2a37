"""URLs of the widgets service: the moved apps' URLs at the paths they had in the monolith.

/livez, /readyz and /metrics are answered by ops.probes.ProbeMiddleware, not here.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("widgets.urls")),
]

# Errors are JSON on every path, like DRF's, never Django's HTML pages.
handler400 = "ops.errors.bad_request"
handler403 = "ops.errors.permission_denied"
handler404 = "ops.errors.page_not_found"
handler500 = "ops.errors.server_error"
