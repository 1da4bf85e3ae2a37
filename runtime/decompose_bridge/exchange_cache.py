"""Issued access tokens reused per credential, so a returning client costs no authentication
and no RS256 signature; a logout, a saved user or a deleted API token drops that user's entries.

Keyed by the SHA-256 of the credentials the caller presented (Authorization and Cookie headers),
never the credentials themselves. Held in a Django cache (``DECOMPOSE_TOKEN_CACHE``, an alias of
``CACHES``; "" switches reuse off), bounded by that backend (LocMemCache: its MAX_ENTRIES). An
entry lives the token's lifetime less ``MIN_REMAINING_SECONDS``, so a reused token still has that
long to live when a service checks it. Revocation is a per-user mark: an entry older than its
user's mark is a miss. A shared cache (Redis, Memcached, database) carries the mark to every
worker at once; a process-local one (LocMemCache) only to the worker that saw the event, so
there entries live at most ``LOCAL_CACHE_SECONDS`` and the other workers catch up within that.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.core.cache import BaseCache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db.models.signals import post_delete, post_save

from decompose_bridge import conf

MIN_REMAINING_SECONDS = 30
LOCAL_CACHE_SECONDS = 30
_ENTRY = "decompose_bridge:token:"
_REVOKED = "decompose_bridge:revoked:"


def credential_key(authorization: str, cookie: str) -> str:
    return hashlib.sha256(f"{authorization}\0{cookie}".encode()).hexdigest()


def _cache() -> BaseCache | None:
    alias = conf.token_cache()
    return caches[alias] if alias else None


def lifetime(cache: BaseCache) -> int:
    """Seconds an entry is reused: the token's life less a margin, shorter when process-local."""
    token_life = conf.token_lifetime()
    seconds = token_life - min(MIN_REMAINING_SECONDS, token_life // 2)
    if isinstance(cache, LocMemCache):
        seconds = min(seconds, LOCAL_CACHE_SECONDS)
    return max(seconds, 0)


def lookup(key: str) -> str | None:
    """The token issued for these credentials, unless expired or revoked since."""
    cache = _cache()
    if cache is None:
        return None
    entry = cache.get(_ENTRY + key)
    if entry is None:
        return None
    user_pk, token, issued = entry
    revoked = cache.get(f"{_REVOKED}{user_pk}")
    if revoked is not None and revoked >= issued:
        return None
    return str(token)


def remember(key: str, user_pk: Any, token: str, checked_at: float) -> None:
    """``checked_at``: when the credentials were checked, so a logout landing between that
    check and this call still revokes the entry."""
    cache = _cache()
    if cache is not None and (seconds := lifetime(cache)):
        cache.set(_ENTRY + key, (user_pk, token, checked_at), seconds)


def revoke(user_pk: Any) -> None:
    """Every entry of this user issued until now is a miss from now on."""
    cache = _cache()
    if cache is not None:
        cache.set(f"{_REVOKED}{user_pk}", time.time(), max(lifetime(cache), 1))


def _logged_out(sender: Any, user: Any = None, **kwargs: Any) -> None:
    if user is not None:
        revoke(user.pk)


def _user_saved(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    # A password, flag or e-mail change alters what tokens say or who may have them; a login
    # only stamps last_login.
    if update_fields is None or set(update_fields) != {"last_login"}:
        revoke(instance.pk)


def _user_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    revoke(instance.pk)


def _api_token_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    revoke(instance.user_id)


def connect() -> None:
    """Wire the revocation events (from the bridge's AppConfig.ready)."""
    from django.apps import apps

    user_model = get_user_model()
    user_logged_out.connect(_logged_out, dispatch_uid="decompose_bridge.logged_out")
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="decompose_bridge.user_saved")
    post_delete.connect(_user_deleted, sender=user_model,
                        dispatch_uid="decompose_bridge.user_deleted")
    if apps.is_installed("rest_framework.authtoken"):
        post_delete.connect(_api_token_deleted, sender="authtoken.Token",
                            dispatch_uid="decompose_bridge.api_token_deleted")
