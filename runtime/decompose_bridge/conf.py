"""Bridge settings: Django settings win, then the environment, then what decompose generated
(the allowlist module).

Keys are PEM text from the environment (a secret manager), never files in the repository.
"""

import json
import os
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from decompose_bridge import allowlist

TOKEN_LIFETIME_SECONDS = 300


def setting(name: str, default: Any = None) -> Any:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return value


def services() -> list[str]:
    """The ``aud`` of access tokens: DECOMPOSE_SERVICES (a list, or comma-separated)."""
    value = setting("DECOMPOSE_SERVICES", allowlist.services())
    if isinstance(value, str):
        value = [name.strip() for name in value.split(",") if name.strip()]
    return sorted(value)


def service_app_labels() -> frozenset[str]:
    """DECOMPOSE_SERVICE_APP_LABELS (a list, or comma-separated): apps moved to services."""
    value = setting("DECOMPOSE_SERVICE_APP_LABELS", allowlist.app_labels())
    if isinstance(value, str):
        value = [label.strip() for label in value.split(",")]
    return frozenset(label for label in value if label)


def token_lifetime() -> int:
    return int(setting("DECOMPOSE_TOKEN_LIFETIME", TOKEN_LIFETIME_SECONDS))


def token_cache() -> str:
    """DECOMPOSE_TOKEN_CACHE: the CACHES alias issued tokens are reused from ("" for none)."""
    return str(setting("DECOMPOSE_TOKEN_CACHE", "default"))


def token_private_key() -> str:
    pem = setting("DECOMPOSE_TOKEN_PRIVATE_KEY", "")
    if not pem:
        raise ImproperlyConfigured("Set DECOMPOSE_TOKEN_PRIVATE_KEY (PEM) to issue access tokens.")
    return str(pem)


def service_public_keys() -> dict[str, str]:
    """DECOMPOSE_SERVICE_PUBLIC_KEYS: {"orders": "-----BEGIN PUBLIC KEY-----..."}."""
    value = setting("DECOMPOSE_SERVICE_PUBLIC_KEYS", "{}")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ImproperlyConfigured(
                "DECOMPOSE_SERVICE_PUBLIC_KEYS must be a JSON object {service: PEM}") from None
    if not isinstance(value, dict):
        raise ImproperlyConfigured("DECOMPOSE_SERVICE_PUBLIC_KEYS must map service names to PEM")
    return value
