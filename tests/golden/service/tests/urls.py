"""The service's URLs plus views that fail on purpose, to test the error handlers."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as service_urlpatterns


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("deliberate failure")


def form(request: HttpRequest) -> HttpResponse:
    return HttpResponse("accepted")


urlpatterns = [
    path("crash/", crash),
    path("form/", form),
    *service_urlpatterns,
]
