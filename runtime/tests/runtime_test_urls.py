from django.urls import include, path

from decompose_runtime.protocol import BRIDGE_MOUNT

urlpatterns = [path(BRIDGE_MOUNT, include("decompose_bridge.urls"))]
