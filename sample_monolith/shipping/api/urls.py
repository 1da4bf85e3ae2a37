from rest_framework.routers import SimpleRouter

from shipping.api.views import CarrierViewSet, ShipmentViewSet

app_name = "shipping-api"

router = SimpleRouter()
router.register("carriers", CarrierViewSet, basename="carrier")
router.register("shipments", ShipmentViewSet, basename="shipment")

urlpatterns = router.urls
