from rest_framework.routers import SimpleRouter

from inventory.api.views import StockItemViewSet, WarehouseViewSet

app_name = "inventory-api"

router = SimpleRouter()
router.register("warehouses", WarehouseViewSet, basename="warehouse")
router.register("stock", StockItemViewSet, basename="stock")

urlpatterns = router.urls
