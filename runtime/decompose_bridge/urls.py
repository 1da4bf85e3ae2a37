"""Mounted by the monolith's root URLconf at ``_decompose/``."""

from django.urls import path

from decompose_bridge import views

app_name = "decompose_bridge"

urlpatterns = [
    path("token", views.TokenView.as_view(), name="token"),
    path("objects/<str:app_label>/<str:model_name>/", views.objects, name="objects"),
    path("rpc", views.rpc, name="rpc"),
]
