"""The monolith's side of the runtime: the allowlist its ``decompose_bridge`` app enforces.

The bridge app is part of decompose-runtime; what differs per monolith is data, rendered into one
module at the monolith's root (``decompose_allowlist.py``). The plan decides what the moved code
reaches in the monolith; ``Allowlist`` is that decision as data, and the bridge refuses
everything outside it. Values are normalised (sorted, deduplicated) so the same plan always
renders the same module.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from decompose.errors import DecomposeError
from decompose_runtime.names import BRIDGE_ALLOWLIST_MODULE
from extractor.render import render_tree

BRIDGE_TEMPLATES = Path(__file__).parent / "templates" / "bridge"
ALLOWLIST_FILE = f"{BRIDGE_ALLOWLIST_MODULE}.py"
_DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$")
_LABEL = re.compile(r"^[A-Za-z_]\w*\.[A-Za-z_]\w*$")
_SERVICE = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")


class AllowlistError(DecomposeError):
    """An allowlist entry that could not name a real function, model, field or method."""


def _names(values: tuple[str, ...], what: str, owner: str) -> tuple[str, ...]:
    for value in values:
        if not value.isidentifier() or value.startswith("_"):
            raise AllowlistError(f"{what} {value!r} of {owner} must be a public identifier")
    return tuple(sorted(set(values)))


@dataclass(frozen=True)
class ModelAccess:
    """What services may do with one monolith model: read ``fields``, call ``methods`` on rows,
    and start queries with the custom manager/queryset methods in ``chains`` (``active``)."""

    label: str
    fields: tuple[str, ...]
    methods: tuple[str, ...] = ()
    chains: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not _LABEL.match(self.label):
            raise AllowlistError(f"model label {self.label!r} must look like 'catalog.Product'")
        object.__setattr__(self, "fields", _names(tuple(self.fields), "field", self.label))
        object.__setattr__(self, "methods", _names(tuple(self.methods), "method", self.label))
        object.__setattr__(self, "chains", _names(tuple(self.chains), "chain", self.label))


@dataclass(frozen=True)
class Allowlist:
    """Every monolith function and model the extracted services may reach."""

    functions: tuple[str, ...] = ()
    models: tuple[ModelAccess, ...] = ()

    def __post_init__(self) -> None:
        for name in self.functions:
            if not _DOTTED.match(name):
                raise AllowlistError(f"function {name!r} must be a dotted path "
                                     "like 'inventory.services.reserve_stock'")
        labels = [model.label for model in self.models]
        duplicates = sorted({label for label in labels if labels.count(label) > 1})
        if duplicates:
            raise AllowlistError(f"models listed twice in the allowlist: {duplicates}")
        object.__setattr__(self, "functions", tuple(sorted(set(self.functions))))
        object.__setattr__(self, "models", tuple(sorted(self.models, key=lambda m: m.label)))

    def union(self, other: Allowlist) -> Allowlist:
        """What either allows: the bridge serves every extracted service from one list."""
        merged: dict[str, ModelAccess] = {m.label: m for m in self.models}
        for model in other.models:
            mine = merged.get(model.label)
            merged[model.label] = model if mine is None else ModelAccess(
                model.label, (*mine.fields, *model.fields), (*mine.methods, *model.methods),
                (*mine.chains, *model.chains))
        return Allowlist((*self.functions, *other.functions), tuple(merged.values()))


@dataclass(frozen=True)
class InstalledBridge:
    """The bridge an earlier extraction put into the monolith: a new extraction adds to it
    instead of cutting off the services extracted before."""

    allowlist: Allowlist = Allowlist()
    services: tuple[str, ...] = ()
    app_labels: tuple[str, ...] = ()  # the services' apps (access tokens carry their perms)


def installed_bridge(root: Path) -> InstalledBridge:
    """Read the installed allowlist and services from the monolith, statically."""
    path = root / ALLOWLIST_FILE
    allowlist = _literals(path, ("FUNCTIONS", "MODELS", "SERVICES", "APP_LABELS"))
    if not allowlist:
        return InstalledBridge()
    models = allowlist.get("MODELS", {})
    try:
        return InstalledBridge(Allowlist(tuple(allowlist.get("FUNCTIONS", ())), tuple(
            ModelAccess(label, tuple(access["fields"]), tuple(access.get("methods", ())),
                        tuple(access.get("chains", ()))) for label, access in models.items())),
            tuple(allowlist.get("SERVICES", ())), tuple(allowlist.get("APP_LABELS", ())))
    except (KeyError, TypeError, AttributeError) as exc:
        raise AllowlistError(f"cannot read the installed bridge's allowlist ({exc}); fix or "
                             "remove it", path=path) from None


def _literals(path: Path, names: tuple[str, ...]) -> dict[str, Any]:
    """Module-level ``NAME = <literal>`` values (``frozenset({...})`` read as a set)."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except FileNotFoundError:
        return {}
    except (SyntaxError, UnicodeDecodeError) as exc:
        raise AllowlistError(f"cannot parse the installed bridge: {exc}", path=path) from None
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], ast.Name) and node.targets[0].id in names:
            value = node.value
            if isinstance(value, ast.Call) and getattr(value.func, "id", "") == "frozenset":
                value = value.args[0] if value.args else ast.Set([])
            try:
                found[node.targets[0].id] = ast.literal_eval(value)
            except ValueError:
                raise AllowlistError(f"{node.targets[0].id} is not a literal",
                                     path=path, line=node.lineno) from None
    return found


def render_bridge(allowlist: Allowlist, services: tuple[str, ...], target: Path,
                  app_labels: tuple[str, ...] = ()) -> list[str]:
    """Write the allowlist module the bridge app reads into the monolith folder ``target``.

    ``services`` are the extracted services' names, the default audience of access tokens;
    ``app_labels`` their apps, whose permissions the tokens carry.
    Returns the written paths relative to ``target``, sorted.
    """
    for name in services:
        if not _SERVICE.match(name):
            raise AllowlistError(f"service name {name!r} must be a lowercase DNS label")
    context = {"allowlist": allowlist, "services": tuple(sorted(set(services))),
               "app_labels": tuple(sorted(set(app_labels))),
               "allowlist_module": BRIDGE_ALLOWLIST_MODULE}
    return render_tree(BRIDGE_TEMPLATES, target, context)
