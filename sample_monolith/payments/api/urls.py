from rest_framework.routers import SimpleRouter

from payments.api.views import PaymentViewSet

app_name = "payments-api"

router = SimpleRouter()
router.register("", PaymentViewSet, basename="payment")

urlpatterns = router.urls
