from rest_framework.routers import SimpleRouter

from notifications.api.views import NotificationViewSet

app_name = "notifications-api"

router = SimpleRouter()
router.register("", NotificationViewSet, basename="notification")

urlpatterns = router.urls
