from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

api_patterns = [
    path("accounts/", include("accounts.api.urls")),
    path("catalog/", include("catalog.api.urls")),
    path("inventory/", include("inventory.api.urls")),
    path("orders/", include("orders.api.urls")),
    path("payments/", include("payments.api.urls")),
    path("shipping/", include("shipping.api.urls")),
    path("reviews/", include("reviews.api.urls")),
    path("notifications/", include("notifications.api.urls")),
    path("analytics/", include("analytics.api.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("orders/", include("orders.urls")),
    path("api/", include(api_patterns)),
    *static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT),
]
