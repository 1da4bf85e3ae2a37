"""URLs of the widgets service: the moved apps' URLs at the paths they had in the monolith.

/livez, /readyz and /metrics are answered by ops.probes.ProbeMiddleware, not here.
DRF's views answer their errors in JSON; the others (a path no view routes, a crash) are
answered as the monolith answers them: its error views, else Django's, with its error templates.
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
