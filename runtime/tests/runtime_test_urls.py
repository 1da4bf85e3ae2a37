from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from decompose_runtime.protocol import BRIDGE_MOUNT


@csrf_exempt
def create_user(request: HttpRequest) -> HttpResponse:
    """A monolith view whose save is forwarded (post_save of auth.User)."""
    with transaction.atomic():
        User.objects.create(username=request.POST["username"])
    return HttpResponse(status=201)


class TenantReport(View):
    """A monolith page answering GET only: any other method is its 405."""

    def get(self, request: HttpRequest, tenant: str) -> HttpResponse:
        return HttpResponse(tenant)


def tenant_page(request: HttpRequest, tenant: str) -> HttpResponse:
    """A monolith page whose ``tenant`` kwarg runtime_test_tenants' middleware reads."""
    return HttpResponse(tenant)


urlpatterns = [path(BRIDGE_MOUNT, include("decompose_bridge.urls")),
               path("test/users/", create_user),
               path("tenants/<str:tenant>/notes/", tenant_page),
               path("private/tenants/<str:tenant>/notes/", tenant_page),
               path("tenants/<str:tenant>/report/", TenantReport.as_view())]
