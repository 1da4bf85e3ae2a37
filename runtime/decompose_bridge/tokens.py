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
from django.db import models

from decompose_bridge import conf
from decompose_runtime import codec

ISSUER = "monolith"


@functools.cache
def _private_key(pem: str) -> Any:
    return load_pem_private_key(pem.encode(), password=None)


def claims_for(user: Any, now: int, auth: Any = None) -> dict[str, Any]:
    """What the token says of ``user``, and of ``auth``, the ``request.auth`` the monolith's
    DRF authentication gave (see ``credential``)."""
    claims = {
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
        # The apps those are listed for: a service asks the monolith about any other.
        "perm_apps": sorted(conf.service_app_labels()),
        # Lets a service pass the user back to monolith functions as a row reference.
        "user_model": user._meta.label,
        "iat": now,
        "exp": now + conf.token_lifetime(),
    }
    if (named := credential(auth)) is not NOT_NAMED:
        claims["auth"] = named
    return claims


NOT_NAMED: Any = object()
# Primary keys the database makes: a row keyed by one is named without revealing a secret.
_GENERATED_KEYS = (models.AutoField, models.BigAutoField, models.SmallAutoField)


def credential(auth: Any) -> Any:
    """``request.auth`` as the service gets it: None for a session (Django's login carries no
    credential row), a reference to the credential row the monolith authenticated (pretalx's
    ``UserApiToken``, whose permissions its API checks on ``request.auth``) when its key is
    one the database generated; ``NOT_NAMED`` for a row keyed by its secret (DRF's ``Token``,
    whose key is the API key) or anything else, which the service then sees as the access
    token itself."""
    if auth is None:
        return None
    if isinstance(auth, models.Model) and isinstance(auth._meta.pk, _GENERATED_KEYS):
        return codec.model_ref(auth._meta.label, auth.pk)
    return NOT_NAMED


def service_permissions(user: Any) -> list[str]:
    """The user's permissions, own and through groups, on the apps moved to services: what the
    services' admin and DjangoModelPermissions check. Superusers have all of them anyway."""
    if user.is_superuser or not hasattr(user, "get_all_permissions"):
        return []
    labels = conf.service_app_labels()
    return sorted(perm for perm in user.get_all_permissions()
                  if perm.partition(".")[0] in labels)


def issue(user: Any, auth: Any = None) -> str:
    """A signed access token for an authenticated ``user``, who presented ``auth``."""
    claims = claims_for(user, int(time.time()), auth)
    return jwt.encode(claims, _private_key(conf.token_private_key()), algorithm="RS256")
