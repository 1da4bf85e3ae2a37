"""What the bridge lets the service do to the monolith's models and functions.

Only what the moved code demonstrably uses is allowed: the remote functions it imports, the
fields of the remote models, the model methods it calls and the queryset methods it chains on
their ``.objects``; what the kernel's copies it runs call and read, by name (see ``allowed``).
Everything else stays closed.
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
            template_attributes: frozenset[str] = frozenset(), joins: Iterable[Join] = (),
            kernel: Iterable[tuple[str, str]] = ()) -> tuple[tuple[str, ...],
                                                             tuple[AllowedModel, ...]]:
    """The remote functions, and per remote model what may be read and called (by moved code,
    or by moved templates: ``{{ shipment.tracking_url }}`` reads a property, and so does
    ``if shipment.is_late:`` in Python); a model only ``joins`` pass through gives the columns
    they read, and nothing else.

    The ``kernel``'s copies are the service's code too, run as the monolith wrote them (taiga's
    ``permissions/services.py``: ``user.cached_membership_for_project(project)``, then
    ``membership.is_admin`` and ``membership.role.permissions``), so what they do to a row is
    known by name only: they call the methods of the models the service mirrors (not of every
    model: a kernel holds whole libraries, a DRF fork, whose calls would open models the
    service never reaches); a model only joins pass through gives the fields the service's
    code reads by name too, and so does the model of a foreign key read by name from a model
    listed here, one the service does not mirror (``membership.role``).
    """
    source = scope.source
    kernel = list(kernel)
    functions = tuple(sorted({n.target for n in names if n.handling == Handling.REMOTE_FUNCTION}))
    attributes, chains = _attribute_calls(
        source, python, {n.name for n in names if n.handling == Handling.REMOTE_MODEL})
    attributes |= template_attributes
    kernel_calls, _ = _attribute_calls(source, kernel, set())
    reads = _attribute_reads(source, [*python, *kernel])
    labels = {n.target: n.name for n in names if n.handling == Handling.REMOTE_MODEL}
    found = []
    for model in scope.graph.models:
        if (model.app in scope.moved_labels or model.abstract
                or model.app not in scope.own_labels):
            continue
        called = attributes | (kernel_calls if model.label in labels else set())
        methods = sorted(_model_methods(source, model) & called
                         | (model_properties(source, model) & reads if model.label in labels
                            else set()))
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
    found += [AllowedModel(label, tuple(sorted(read[label] | _read_fields(
        scope.graph.model(label), reads)))) for label in sorted(read) if label not in listed]
    return functions, (*found, *_followed(scope, found, reads))


def _followed(scope: Scope, found: list[AllowedModel], reads: set[str]) -> list[AllowedModel]:
    """The models of the foreign keys the service's code reads by name from the rows of the
    ``found`` models (``membership.role``), not listed yet, with the fields it reads by name
    from them; then those of their keys, in turn."""
    staying = {m.label: m for m in scope.graph.models if m.app in scope.own_labels
               and m.app not in scope.moved_labels and not m.abstract}
    listed = {m.label for m in found}
    followed: list[AllowedModel] = []
    pending = list(found)
    while pending:
        allowed_model = pending.pop(0)
        model = staying.get(allowed_model.label)
        for relation in model.relations if model else ():
            target = staying.get(relation.target or "")
            if (target is None or target.label in listed or relation.field not in reads
                    or f"{relation.field}_id" not in allowed_model.fields
                    or relation.kind not in (RelationKind.FOREIGN_KEY,
                                             RelationKind.ONE_TO_ONE)):
                continue
            listed.add(target.label)
            followed.append(AllowedModel(target.label, tuple(sorted(
                _read_fields(target, reads) | {_primary_key(target)}))))
            pending.append(followed[-1])
    return sorted(followed)


def _read_fields(model: Model | None, reads: set[str]) -> set[str]:
    """The model's exposed fields the service's code reads by name (a foreign key's column
    when the relation is read)."""
    return {name for name in _exposed_fields(model)
            if name in reads or name.removesuffix("_id") in reads} if model else set()


def _primary_key(model: Model) -> str:
    return next((f.name for f in model.fields if f.primary_key), "id")


def to_allowlist(record: ExtractionPlan) -> Allowlist:
    return Allowlist(record.allowed_functions, tuple(
        ModelAccess(m.label, m.fields, m.methods, m.chains) for m in record.allowed_models))


def _model_methods(source: Source, model: Model) -> set[str]:
    node = source.class_def(model.location.path, model.name)
    return {n.name for n in node.body if isinstance(n, ast.FunctionDef)
            and not n.name.startswith("_") and n.name not in MODEL_API} if node else set()


def model_properties(source: Source, model: Model) -> set[str]:
    """The model's public properties (``@property``, ``@cached_property``): a row read from
    the monolith answers them with their value, as a local instance would."""
    node = source.class_def(model.location.path, model.name)
    return {n.name for n in node.body if isinstance(n, ast.FunctionDef)
            and not n.name.startswith("_") and any(
                (d.id if isinstance(d, ast.Name) else d.attr if isinstance(d, ast.Attribute)
                 else "") in _PROPERTY_DECORATORS for d in n.decorator_list)} if node else set()


_PROPERTY_DECORATORS = frozenset({"property", "cached_property"})


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


def _attribute_reads(source: Source, python: Iterable[tuple[str, str]]) -> set[str]:
    """Every ``x.name`` read (not called, not assigned) in these files."""
    reads: set[str] = set()
    for path, _ in python:
        tree = source.tree(path)
        called = set()
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, ast.Call):
                called.add(id(node.func))
            elif (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load)
                  and id(node) not in called):
                reads.add(node.attr)
    return reads


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
