"""Who is calling: the monolith's short-lived access token, verified without asking anyone.

The monolith stays the identity provider. A gateway exchanges the caller's monolith credentials
(session cookie or API token) at the monolith's ``/_decompose/token`` and forwards
``Authorization: Bearer <jwt>``: RS256, ``iss`` "monolith", ``aud`` this service's name. Only the
monolith's PUBLIC key (``DECOMPOSE_TOKEN_PUBLIC_KEY``) is here, and the algorithm is pinned, so a
token "signed" with HS256 and the public key as secret, or with alg=none, is refused. The service
reads no session or user table and shares no SECRET_KEY. Failures answer exactly what the
monolith's DRF answers an unauthenticated client: 401, ``WWW-Authenticate: Token``, and
"Authentication credentials were not provided." or "Invalid token.".
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, cast

import jwt
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from decompose_runtime import codec
from decompose_runtime.protocol import ACCESS_TOKEN_HEADER

logger = logging.getLogger(__name__)

ISSUER = "monolith"
ALGORITHMS = ["RS256"]
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub"]
LEEWAY_SECONDS = 5
# The monolith's first DRF authentication class is TokenAuthentication: its keyword is what an
# unauthenticated client is challenged with, so the service challenges the same way.
CHALLENGE = "Token"
_GATEWAY_TOKEN_META = "HTTP_" + ACCESS_TOKEN_HEADER.upper().replace("-", "_")


class InvalidToken(Exception):
    """The bearer token is not one the monolith issued for this service, now."""


class TokenUser:
    """The user the monolith vouched for, built from the token's claims (no database)."""

    is_active = True
    is_authenticated = True
    is_anonymous = False

    def __init__(self, claims: dict[str, Any]) -> None:
        subject = str(claims["sub"])
        self.pk = self.id = int(subject) if subject.isdigit() else subject
        self.username = str(claims.get("username", ""))
        self.email = str(claims.get("email", ""))
        self.is_staff = bool(claims.get("is_staff", False))
        self.is_superuser = bool(claims.get("is_superuser", False))
        # "app_label.codename" of the user's own and groups' permissions on the extracted apps.
        self.permissions = frozenset(str(perm) for perm in claims.get("perms", ()))
        self.claims = claims

    def __getattr__(self, name: str) -> Any:
        """A field of the monolith's user model the token does not carry (pretalx's
        ``is_administrator``, read by its moved context processor): read from the user's row
        through the bridge, once per request (the row is kept on this user), as its allowlist
        lets the service; what the moved code gave the user model (add_to_class), run here;
        or a reverse accessor of a key to the user: a moved model's
        (``storage_entries``: the service's rows), or a monolith model's the mirror lists
        (the monolith's rows, asked of the bridge). Anything else, a method the admin's
        templates probe (``get_short_name``) included, is a missing attribute, as templates
        and ``hasattr`` expect: running it would be a call to the monolith at each use."""
        if name.startswith("_") or name == "claims":
            raise AttributeError(name)
        from decompose_remote.models import (
            NOT_LOCAL,
            RemoteModel,
            added_attribute,
            reverse_accessor,
        )

        label = str(self.claims.get("user_model", "auth.User"))
        added = added_attribute(label, name, self)  # a method the moved code gave the model
        if added is not NOT_LOCAL:
            return added
        reverse = reverse_accessor(label, name, self.pk)  # rows keyed to this user
        if reverse is not NOT_LOCAL:
            return reverse
        fields = self.__dict__.get("_row_fields")
        if fields is None:
            try:  # refused or unreachable: no field is known
                fields = RemoteModel(label).get_by_pk(self.pk).__dict__["_fields"]
            except Exception:  # any failure means the attribute is missing
                fields = {}
            self.__dict__["_row_fields"] = fields
        if name not in fields:
            raise AttributeError(f"{type(self).__name__} has no {name!r}")
        return fields[name]

    def __decompose_ref__(self) -> tuple[str, Any]:
        """Passed to a monolith function, the user is the monolith's row (shared database)."""
        return str(self.claims.get("user_model", "auth.User")), self.pk

    def get_username(self) -> str:
        return self.username

    def has_usable_password(self) -> bool:
        """As the monolith answered it when it issued the token: the admin then links to the
        password change page, which the monolith serves."""
        return bool(self.claims.get("usable_password", False))

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        """As the monolith decides: superusers have every permission; a permission on the
        moved apps (those the token lists them for) is the token's; any other, and one on a
        row of the monolith's (django-rules' predicates: pretalx's API checks
        ``has_perm("submission.list_submission", event)``), is asked of the monolith once per
        request (its authentication backends decide); none on a row of the service's own,
        which the monolith does not install. A token that lists no apps (from an older
        bridge, or a test's) answers from its list alone."""
        if self.is_superuser or (obj is None and perm in self.permissions):
            return True
        remote = obj is not None and isinstance(getattr(obj, "_model", None), _remote_model())
        apps = self.claims.get("perm_apps")
        if not remote and (obj is not None or apps is None or perm.partition(".")[0] in apps):
            return False
        answers: dict[tuple[str, Any], bool] = self.__dict__.setdefault("_perm_answers", {})
        key = (perm, codec.reference_of(obj) if remote else None)
        if key not in answers:
            answers[key] = monolith_permission(self, perm, obj)
        return answers[key]

    def has_perms(self, perms: Any, obj: Any = None) -> bool:
        return all(self.has_perm(perm, obj) for perm in perms)

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_superuser or any(
            perm.partition(".")[0] == app_label for perm in self.permissions)

    def __eq__(self, other: object) -> bool:
        """The same user as another token's, or as the monolith's row of it (Tandoor's
        ``request.space.created_by == request.user``: a remote row of the user model)."""
        reference = getattr(other, "__decompose_ref__", None)
        return callable(reference) and reference() == self.__decompose_ref__()

    def __hash__(self) -> int:
        return hash(self.__decompose_ref__())  # as the remote row's

    def __str__(self) -> str:
        return self.username


def _remote_model() -> type:
    from decompose_remote.models import RemoteModel  # which imports the client, not this

    return RemoteModel


def monolith_permission(user: TokenUser, perm: str, obj: Any) -> bool:
    """The monolith's ``user.has_perm(perm, obj)`` for the token's user (in the service's
    django-scopes scope, as every call is)."""
    from decompose_remote.client import get_client

    answer = get_client().post("rpc", {
        "op": "permission", "user": codec.encode(user.pk), "perm": perm,
        "object": codec.encode(obj)}, idempotent=True)
    return bool(answer.get("result"))


@functools.cache
def _public_key(pem: str) -> Any:
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    return load_pem_public_key(pem.encode())


def verify(token: str) -> TokenUser:
    """The TokenUser for a valid token; InvalidToken for anything else."""
    pem = getattr(settings, "DECOMPOSE_TOKEN_PUBLIC_KEY", "")
    audience = getattr(settings, "DECOMPOSE_SERVICE_NAME", "")
    if not pem or not audience:
        raise ImproperlyConfigured(
            "Set DECOMPOSE_TOKEN_PUBLIC_KEY and DECOMPOSE_SERVICE_NAME to verify access tokens.")
    try:
        claims = jwt.decode(token, _public_key(pem), algorithms=ALGORITHMS, audience=audience,
                            issuer=ISSUER, leeway=LEEWAY_SECONDS,
                            options={"require": REQUIRED_CLAIMS})
    except jwt.PyJWTError as exc:
        logger.info("access token refused", extra={"reason": str(exc)})
        raise InvalidToken(str(exc)) from None
    return TokenUser(claims)


def bearer_token(header: str) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, "" when malformed."""
    parts = header.split()
    if not parts or parts[0].lower() != "bearer":
        return None
    return parts[1] if len(parts) == 2 else ""


def gateway_token(request: HttpRequest) -> str:
    """The token a gateway forwarded in X-Decompose-Token (Istio and Envoy Gateway ext_authz:
    it leaves the client's Authorization header as it was, for the monolith's side of the
    split), "" when none. Checked like a bearer token: a client can only send its own."""
    return str(request.META.get(_GATEWAY_TOKEN_META, ""))


class MonolithTokenAuthentication(authentication.BaseAuthentication):
    """DRF authentication: the monolith access token in X-Decompose-Token, else in
    ``Authorization: Bearer <token>``."""

    def authenticate(self, request: Any) -> tuple[TokenUser, Any] | None:
        token: str | None = gateway_token(request)
        if not token:
            header = request.META.get("HTTP_AUTHORIZATION", "")
            if not header:
                return None
            token = bearer_token(header)
        if not token:
            # Credentials this service cannot check (the monolith's own API token, a session
            # that was not exchanged): refused as the monolith refuses a bad token.
            raise exceptions.AuthenticationFailed("Invalid token.")
        try:
            user = verify(token)
        except InvalidToken:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        return user, monolith_auth(user, token)

    def authenticate_header(self, request: Any) -> str:
        return CHALLENGE


def monolith_auth(user: TokenUser, token: str) -> Any:
    """``request.auth`` as the monolith's DRF authentication gave it for the client's
    credentials (the token's ``auth`` claim): None for a session; the credential row, read
    from the monolith when first used, when the service mirrors its model (pretalx's API
    checks ``request.auth.limit_events`` and ``has_endpoint_permission``); else, and from a
    bridge that does not say, the access token itself."""
    if "auth" not in user.claims:
        return token
    named = user.claims["auth"]
    if named is None:
        return None
    from decompose_remote.models import RemoteModel, mirrored_labels

    label = named.get(codec.MODEL_TAG) if isinstance(named, dict) else None
    if label not in mirrored_labels():
        return token
    pk = codec.decode(named.get("pk"))
    return SimpleLazyObject(lambda: RemoteModel(label).get_by_pk(pk))


def user_from_request(request: HttpRequest) -> TokenUser | AnonymousUser:
    token = gateway_token(request) or bearer_token(request.META.get("HTTP_AUTHORIZATION", ""))
    if token:
        try:
            return verify(token)
        except InvalidToken:
            pass
    return AnonymousUser()


async def _auser(request: HttpRequest) -> TokenUser | AnonymousUser:
    return user_from_request(request)


class MonolithTokenMiddleware(AuthenticationMiddleware):
    """``request.user`` for plain Django views (``login_required``) and the admin: the token's
    user or AnonymousUser, evaluated on first use. It takes the place of Django's
    AuthenticationMiddleware (hence the subclass, which the admin's system check looks for),
    without its session."""

    def process_request(self, request: HttpRequest) -> None:
        # A TokenUser quacks like Django's user models (is_authenticated, has_perm, pk...).
        request.user = cast(AbstractBaseUser, SimpleLazyObject(lambda: user_from_request(request)))
        request.auser = cast(Callable[[], Awaitable[AbstractBaseUser]],
                             functools.partial(_auser, request))


class MonolithTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """Documents the bearer token in openapi.yaml (drf-spectacular finds it by target class)."""

    target_class = MonolithTokenAuthentication
    name = "monolithToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
