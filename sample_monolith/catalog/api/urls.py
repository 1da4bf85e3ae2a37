from rest_framework.routers import SimpleRouter

from catalog.api.views import CategoryViewSet, ProductViewSet

app_name = "catalog-api"

router = SimpleRouter()
router.register("categories", CategoryViewSet, basename="category")
router.register("products", ProductViewSet, basename="product")

urlpatterns = router.urls
