from rest_framework.routers import SimpleRouter

from reviews.api.views import ReviewViewSet

app_name = "reviews-api"

router = SimpleRouter()
router.register("", ReviewViewSet, basename="review")

urlpatterns = router.urls
