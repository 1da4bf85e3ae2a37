"""Access tokens the monolith issues for its extracted services (it stays the identity provider).

RS256: the services verify with the public key only, so none of them can mint tokens, and the
monolith's SECRET_KEY never leaves it. Tokens live minutes; they are re-issued per request by the
gateway, so revoking a session or API token (or a permission) takes effect within one lifetime.
"""

import functools
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from decompose_bridge import conf

ISSUER = "monolith"


@functools.cache
def _private_key(pem: str) -> Any:
    return load_pem_private_key(pem.encode(), password=None)


def claims_for(user: Any, now: int) -> dict[str, Any]:
    return {
        "iss": ISSUER,
        "aud": conf.services(),
        "sub": str(user.pk),
        "username": user.get_username(),
        "email": getattr(user, "email", "") or "",
        "is_staff": bool(user.is_staff),
        "is_superuser": bool(user.is_superuser),
        # The admin offers "Change password" (a page the monolith keeps) only for these users.
        "usable_password": bool(getattr(user, "has_usable_password", lambda: False)()),
        "perms": service_permissions(user),
        # Lets a service pass the user back to monolith functions as a row reference.
        "user_model": user._meta.label,
        "iat": now,
        "exp": now + conf.token_lifetime(),
    }


def service_permissions(user: Any) -> list[str]:
    """The user's permissions, own and through groups, on the apps moved to services: what the
    services' admin and DjangoModelPermissions check. Superusers have all of them anyway."""
    if user.is_superuser or not hasattr(user, "get_all_permissions"):
        return []
    labels = conf.service_app_labels()
    return sorted(perm for perm in user.get_all_permissions()
                  if perm.partition(".")[0] in labels)


def issue(user: Any) -> str:
    """A signed access token for an authenticated ``user``."""
    claims = claims_for(user, int(time.time()))
    return jwt.encode(claims, _private_key(conf.token_private_key()), algorithm="RS256")
