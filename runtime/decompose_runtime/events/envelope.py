"""A signal's arguments as JSON and back: model instances travel as their key plus a snapshot
of their columns, and come back loaded by that key from the shared database (the snapshot
stands in when the row is gone, as for ``post_delete``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.apps import apps
from django.db import models

from decompose_runtime import codec

# Arguments Django adds itself (``signal``), or that name this side's database (``using``).
_LOCAL_ONLY = frozenset({"signal", "using"})
# Arguments whose type the codec turns into a list, and which receivers expect as a set.
_SETS = {"update_fields": frozenset, "pk_set": set}


def _snapshot(instance: Any) -> dict[str, Any]:
    """The instance's columns; one it was saved with as an expression (taiga's OCC mixin:
    ``version = F("version") + 1``) is left out: the row the receiver loads holds its value."""
    fields = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if hasattr(value, "resolve_expression"):
            continue
        fields[field.attname] = value.name if isinstance(field, models.FileField) else value
    return {**codec.model_ref(instance._meta.label, instance.pk),
            "fields": codec.encode(fields)}


def _load(data: Mapping[str, Any]) -> Any:
    model = apps.get_model(data[codec.MODEL_TAG])
    pk = codec.decode(data["pk"])
    found = model._default_manager.filter(pk=pk).first()
    if found is not None or "fields" not in data:
        return found
    instance = model(**codec.decode(data["fields"]))
    instance._state.adding = False
    return instance


def sender_label(sender: Any) -> str | None:
    """A model class as its label, anything else with a module path as that path."""
    meta = getattr(sender, "_meta", None)
    if isinstance(sender, type) and meta is not None:
        return str(meta.label)
    module, name = getattr(sender, "__module__", None), getattr(sender, "__qualname__", None)
    return f"{module}.{name}" if module and name else None


def resolve_sender(label: str | None) -> Any:
    """What :func:`sender_label` was given, as far as this side can name it: a class this side
    cannot import (a moved view sending a custom signal, whose module the other side no longer
    loads) arrives as a stand-in class of the same label."""
    if label is None:
        return None
    if label.count(".") == 1:
        try:
            return apps.get_model(label)
        except (LookupError, ValueError):
            pass
    from django.utils.module_loading import import_string

    try:
        return import_string(label)
    except (ImportError, RuntimeError):  # RuntimeError: a model of an app no longer installed
        module, _, name = label.rpartition(".")
        return type(name, (), {"__module__": module, "__qualname__": name})


def encode_arguments(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The signal's keyword arguments as JSON data (raises codec.CodecError if one cannot be):
    model classes (``m2m_changed``'s ``model``) by label, everything else through the codec."""
    kept = {name: value for name, value in kwargs.items() if name not in _LOCAL_ONLY}
    classes = {name: sender_label(value) for name, value in kept.items()
               if isinstance(value, type)}
    values = {name: value for name, value in kept.items() if name not in classes}
    return {"values": codec.encode(values, model=_snapshot), "classes": classes}


def decode_arguments(data: Mapping[str, Any], using: str) -> dict[str, Any]:
    """Keyword arguments to send the signal with on this side."""
    kwargs: dict[str, Any] = codec.decode(data["values"], model=_load)
    for name, kind in _SETS.items():
        if isinstance(kwargs.get(name), list):
            kwargs[name] = kind(kwargs[name])
    kwargs.update({name: resolve_sender(label) for name, label in data["classes"].items()})
    if "instance" in kwargs:
        kwargs["using"] = using
    return kwargs


def aggregate_of(kwargs: Mapping[str, Any]) -> str:
    """``label:pk`` of the row the event is about (its instance, or its first model argument)."""
    for value in ([kwargs["instance"]] if "instance" in kwargs else []) + list(kwargs.values()):
        ref = codec.reference_of(value) if not isinstance(value, type) else None
        if ref is not None:
            return f"{ref[0]}:{ref[1]}"
    return ""
