from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import SimpleRouter

from accounts.api.views import AddressViewSet, MeView, UserViewSet

app_name = "accounts-api"

router = SimpleRouter()
router.register("users", UserViewSet, basename="user")
router.register("addresses", AddressViewSet, basename="address")

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("token/", obtain_auth_token, name="token"),
    *router.urls,
]
