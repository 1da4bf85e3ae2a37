from __future__ import annotations

import json

import pytest
from django.conf import LazySettings

from decompose_remote.testing import ThrowawayKeys, throwaway_keys


@pytest.fixture
def service_keys() -> ThrowawayKeys:
    """The orders service's key pair (``service_*``): it signs calls to the bridge."""
    return throwaway_keys()


@pytest.fixture
def bridge_knows_orders(settings: LazySettings, service_keys: ThrowawayKeys) -> None:
    settings.DECOMPOSE_SERVICE_PUBLIC_KEYS = json.dumps({"orders": service_keys.service_public})
