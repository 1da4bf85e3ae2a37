"""What the extracted services may reach in this monolith: the module decompose generated.

The bridge's code is the same in every monolith; what differs (the functions, models, fields,
methods and queryset methods the moved code uses, and the services extracted) is plain data in
one generated module, ``decompose_allowlist`` at the monolith's root unless the setting
``DECOMPOSE_BRIDGE_ALLOWLIST`` names another. Everything it does not list is refused (403).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from types import ModuleType
from typing import TypedDict

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from decompose_runtime.names import BRIDGE_ALLOWLIST_MODULE


class ModelAccess(TypedDict):
    """One model's entry: readable ``fields``, callable ``methods``, queryset ``chains``."""

    fields: list[str]
    methods: list[str]
    chains: list[str]


def generated() -> ModuleType:
    """The generated allowlist module (imported once, then from ``sys.modules``)."""
    name = str(getattr(settings, "DECOMPOSE_BRIDGE_ALLOWLIST", BRIDGE_ALLOWLIST_MODULE))
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        raise ImproperlyConfigured(
            f"the bridge's allowlist module {name!r} cannot be imported ({exc}): apply "
            "monolith.patch, or set DECOMPOSE_BRIDGE_ALLOWLIST") from None


def functions() -> frozenset[str]:
    """Dotted names of the monolith functions services may call."""
    return frozenset(getattr(generated(), "FUNCTIONS", ()))


def models() -> Mapping[str, ModelAccess]:
    """Model label -> what services may do with its rows."""
    value: Mapping[str, ModelAccess] = getattr(generated(), "MODELS", {})
    return value


def services() -> list[str]:
    """The services extracted when the allowlist was generated: the audience of tokens."""
    return list(getattr(generated(), "SERVICES", ()))


def app_labels() -> list[str]:
    """Their apps: access tokens carry the user's permissions on these."""
    return list(getattr(generated(), "APP_LABELS", ()))
