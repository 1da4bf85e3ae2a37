"""Service-to-service authentication: which extracted service is calling the bridge.

Each service signs a short-lived JWT (RS256, ``iss`` = its name, ``aud`` "monolith") with its
own private key; the monolith holds only the public keys, so no secret is shared and one
service's key cannot speak for another.
"""

import functools
from collections.abc import Callable
from typing import Any

import jwt
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from django.http import HttpRequest, HttpResponse, JsonResponse

from decompose_bridge import conf
from decompose_runtime.protocol import (
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    SERVICE_AUDIENCE,
    compatible,
)

_PROTOCOL_META = "HTTP_" + PROTOCOL_HEADER.upper().replace("-", "_")
# A service token is made per request; anything living longer was not made for one.
MAX_LIFETIME_SECONDS = 300


class Unauthenticated(Exception):
    pass


@functools.cache
def _public_key(pem: str) -> Any:
    return load_pem_public_key(pem.encode())


def calling_service(authorization: str) -> str:
    """The service name proven by an ``Authorization: Bearer <jwt>`` header."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Service credentials were not provided.")
    try:
        issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
    except jwt.PyJWTError:
        raise Unauthenticated("Invalid service token.") from None
    if not isinstance(issuer, str) or not (pem := conf.service_public_keys().get(issuer)):
        raise Unauthenticated("Invalid service token.")
    try:
        claims = jwt.decode(token.strip(), _public_key(pem), algorithms=["RS256"],
                            audience=SERVICE_AUDIENCE, issuer=issuer, leeway=5,
                            options={"require": ["exp", "iat", "iss", "aud"]})
    except jwt.PyJWTError:
        raise Unauthenticated("Invalid service token.") from None
    if claims["exp"] - claims["iat"] > MAX_LIFETIME_SECONDS:
        raise Unauthenticated("Invalid service token.")
    return issuer


def incompatible(request: HttpRequest) -> JsonResponse | None:
    """A 400 naming both protocol versions when the caller speaks another one (or none)."""
    spoken = request.META.get(_PROTOCOL_META, "")
    if compatible(spoken):
        return None
    return JsonResponse({
        "detail": f"The service speaks decompose protocol {spoken or '(none)'}, this bridge "
                  f"speaks {PROTOCOL_VERSION}: upgrade decompose-runtime on the older side.",
        "service_protocol": spoken or None, "bridge_protocol": PROTOCOL_VERSION}, status=400)


def service_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse with 401 unless a known service signed the request, and with 400 unless it speaks
    this bridge's protocol; sets ``request.service``."""

    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            # An attribute of the request, like request.user: for the monolith's logs and code.
            request.service = calling_service(  # type: ignore[attr-defined]
                request.META.get("HTTP_AUTHORIZATION", ""))
        except Unauthenticated as exc:
            response = JsonResponse({"detail": str(exc)}, status=401)
            response["WWW-Authenticate"] = 'Bearer realm="decompose"'
            return response
        return incompatible(request) or view(request, *args, **kwargs)

    return guarded
