"""What the bridge lets the service do to the monolith's models and functions.

Only what the moved code demonstrably uses is allowed: the remote functions it imports, the
fields of the remote models, the model methods it calls and the queryset methods it chains on
their ``.objects``. Everything else stays closed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence

from decompose.model import AllowedModel, ExtractionPlan, Handling, MirrorName, Model, RelationKind
from extractor.bridge import Allowlist, ModelAccess
from extractor.plan.joins import Join
from extractor.plan.scope import Scope
from extractor.plan.source import Source

NEVER_EXPOSED_FIELDS = frozenset({"password"})
# Methods every model has: the bridge never runs them on the monolith's behalf.
MODEL_API = frozenset({"save", "delete", "clean", "full_clean", "refresh_from_db",
                       "get_absolute_url", "natural_key"})


def allowed(scope: Scope, python: Iterable[tuple[str, str]], names: Sequence[MirrorName],
            template_attributes: frozenset[str] = frozenset(), joins: Iterable[Join] = ()
            ) -> tuple[tuple[str, ...], tuple[AllowedModel, ...]]:
    """The remote functions, and per remote model what may be read and called (by moved code,
    or by moved templates: ``{{ shipment.tracking_url }}`` reads a property); a model only
    ``joins`` pass through gives the columns they read, and nothing else."""
    source = scope.source
    functions = tuple(sorted({n.target for n in names if n.handling == Handling.REMOTE_FUNCTION}))
    attributes, chains = _attribute_calls(
        source, python, {n.name for n in names if n.handling == Handling.REMOTE_MODEL})
    attributes |= template_attributes
    labels = {n.target: n.name for n in names if n.handling == Handling.REMOTE_MODEL}
    found = []
    for model in scope.graph.models:
        if (model.app in scope.moved_labels or model.abstract
                or model.app not in scope.own_labels):
            continue
        methods = sorted(_model_methods(source, model) & attributes)
        if model.label not in labels and not methods:
            continue
        managers = _manager_methods(source, model)
        used = chains.get(labels.get(model.label, ""), set())
        found.append(AllowedModel(model.label, _exposed_fields(model), tuple(methods),
                                  tuple(sorted(used & managers))))
    read: dict[str, set[str]] = {}
    for join in joins:
        for label, column in join.columns:
            read.setdefault(label, set()).add(column)
    listed = {m.label for m in found}
    found += [AllowedModel(label, tuple(sorted(read[label])))
              for label in sorted(read) if label not in listed]
    return functions, tuple(found)


def to_allowlist(record: ExtractionPlan) -> Allowlist:
    return Allowlist(record.allowed_functions, tuple(
        ModelAccess(m.label, m.fields, m.methods, m.chains) for m in record.allowed_models))


def _class_node(source: Source, model: Model) -> ast.ClassDef | None:
    tree = source.tree(model.location.path)
    return next((n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)
                 and n.name == model.name), None) if tree else None


def _model_methods(source: Source, model: Model) -> set[str]:
    node = _class_node(source, model)
    return {n.name for n in node.body if isinstance(n, ast.FunctionDef)
            and not n.name.startswith("_") and n.name not in MODEL_API} if node else set()


def _manager_methods(source: Source, model: Model) -> set[str]:
    """Public methods of the QuerySet/Manager classes defined in the model's module."""
    tree = source.tree(model.location.path)
    found = set()
    for node in tree.body if tree else ():
        if isinstance(node, ast.ClassDef) and any(
                "QuerySet" in ast.unparse(b) or "Manager" in ast.unparse(b) for b in node.bases):
            found |= {n.name for n in node.body if isinstance(n, ast.FunctionDef)
                      and not n.name.startswith("_")}
    return found


def _attribute_calls(source: Source, python: Iterable[tuple[str, str]], models: set[str]
                     ) -> tuple[set[str], dict[str, set[str]]]:
    """Every ``x.name(...)`` called in moved code, and per remote model name the methods
    called on its ``.objects`` chains."""
    attributes: set[str] = set()
    chains: dict[str, set[str]] = {}
    for path, _ in python:
        tree = source.tree(path)
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                attributes.add(node.func.attr)
                root = node.func.value
                while isinstance(root, ast.Call | ast.Attribute):
                    root = root.func if isinstance(root, ast.Call) else root.value
                if isinstance(root, ast.Name) and root.id in models:
                    chains.setdefault(root.id, set()).add(node.func.attr)
    return attributes, chains


def _exposed_fields(model: Model) -> tuple[str, ...]:
    """The model's columns as the bridge sends them: foreign keys as ``<name>_id``."""
    relations = {r.field: r for r in model.relations}
    fields = []
    for field in model.fields:
        relation = relations.get(field.name)
        if field.name in NEVER_EXPOSED_FIELDS:
            continue
        if relation is None:
            if "ManyToMany" not in field.type and "Generic" not in field.type:
                fields.append(field.name)
        elif relation.kind in (RelationKind.FOREIGN_KEY, RelationKind.ONE_TO_ONE):
            fields.append(f"{field.name}_id")
    return tuple(fields)
