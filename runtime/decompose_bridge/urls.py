"""Mounted by the monolith's root URLconf at ``_decompose/``."""

from django.urls import path, re_path

from decompose_bridge import views

app_name = "decompose_bridge"

urlpatterns = [
    path("token", views.TokenView.as_view(), name="token"),
    # Envoy's ext_authz check: the prefix above, then the client's own path ("/" included).
    re_path(r"^token(?P<original>/.*)$", views.TokenView.as_view(bearer_header=True),
            name="token-check"),
    path("objects/<str:app_label>/<str:model_name>/", views.objects, name="objects"),
    path("rpc", views.rpc, name="rpc"),
]
