"""The service's URLs plus views that fail on purpose, to test the error handlers."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import urlpatterns as service_urlpatterns


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("deliberate failure")


def form(request: HttpRequest) -> HttpResponse:
    return HttpResponse("accepted")


class WhoAmI(APIView):
    """A DRF view behind the service's default authentication."""

    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        user = request.user
        return Response({"pk": user.pk, "username": user.username, "email": user.email})


def page(request: HttpRequest) -> JsonResponse:
    """A plain Django view: request.user comes from the token middleware."""
    return JsonResponse({"authenticated": request.user.is_authenticated,
                         "username": request.user.get_username()})


urlpatterns = [
    path("crash/", crash),
    path("form/", form),
    path("whoami/", WhoAmI.as_view()),
    path("page/", page),
    *service_urlpatterns,
]
