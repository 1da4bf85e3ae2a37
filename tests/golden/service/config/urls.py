"""URLs of the widgets service: the moved apps' URLs at the paths they had in the monolith.

/livez, /readyz and /metrics are answered by ops.probes.ProbeMiddleware, not here.
The admin's own 403 and 404 answers are JSON too (handlers below).
"""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    # The moved apps' admin pages, at the monolith admin's paths (/admin/<app_label>/...);
    # the proxy keeps the rest of /admin/ (index, login, other apps) on the monolith.
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("widgets.urls")),
]

# Errors are JSON on every path, like DRF's, never Django's HTML pages.
handler400 = "ops.errors.bad_request"
handler403 = "ops.errors.permission_denied"
handler404 = "ops.errors.page_not_found"
handler500 = "ops.errors.server_error"
