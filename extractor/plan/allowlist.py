"""What the bridge lets the service do to the monolith's models and functions.

Only what the moved code demonstrably uses is allowed: the remote functions it imports, the
fields of the remote models, the model methods it calls and the queryset methods it chains on
their ``.objects``; what the kernel's copies it runs call and read, by name (see ``allowed``).
Everything else stays closed. A model of another package the moved code reads (``auth.Group``,
the target of Tandoor's ``UserSpace.groups``) is listed the same way, its fields and methods
read from its installed source (``external_models``).

A many-to-many of a model that stays is allowlisted under its own name (its rows send the
target's keys) when the service's code names it: read as an attribute (``code.tracks``),
or given as text or a keyword (``fields = ["tracks"]``, ``filter(tracks__in=...)``), or
taken in by a ``Meta`` whose ``fields`` are ``"__all__"`` of a model of that name. So is the
reverse accessor another staying model's key gives a listed one (``Answer.review`` gives
``Review`` its ``answers``) when read or named (not by ``"__all__"``, which takes no reverse
relation in): the related model is listed with the key's column, and the mirror told the
accessor. A static over-approximation: a name used for something else opens that field too,
never more.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace

from decompose.model import (
    AllowedModel,
    ExtractionPlan,
    Handling,
    Level,
    MirrorName,
    Model,
    Relation,
    RelationKind,
    Rewrite,
)
from extractor.bridge import Allowlist, ModelAccess
from extractor.plan.class_bases import class_and_bases
from extractor.plan.external_models import ExternalModel
from extractor.plan.joins import Join
from extractor.plan.relations import generic_pairs, reverse_name
from extractor.plan.scope import Scope
from extractor.plan.source import Source

NEVER_EXPOSED_FIELDS = frozenset({"password"})
# Methods every model has: the bridge never runs them on the monolith's behalf.
MODEL_API = frozenset({"save", "delete", "clean", "full_clean", "refresh_from_db",
                       "get_absolute_url", "natural_key"})


@dataclass(frozen=True, order=True)
class RelatedReverse:
    """A reverse accessor another staying model's key gives a listed one, both mirrored:
    the monolith's rows of ``model`` whose ``field`` holds the row's key."""

    name: str  # "answers"
    model: str  # the related model, "submission.Answer"
    field: str  # its key, "review" (sent as its column, "review_id")
    one: bool  # a one-to-one: the one row, not a manager


# Per listed model label, the reverse accessors the mirror tells the service.
RelatedReverses = tuple[tuple[str, tuple[RelatedReverse, ...]], ...]


def allowed(scope: Scope, python: Iterable[tuple[str, str]], names: Sequence[MirrorName],
            template_attributes: frozenset[str] = frozenset(), joins: Iterable[Join] = (),
            kernel: Iterable[tuple[str, str]] = (), external: Iterable[ExternalModel] = ()
            ) -> tuple[tuple[str, ...], tuple[AllowedModel, ...], tuple[Rewrite, ...],
                       RelatedReverses]:
    """The remote functions, and per remote model what may be read and called (by moved code,
    or by moved templates: ``{{ shipment.tracking_url }}`` reads a property, and so does
    ``if shipment.is_late:`` in Python); a model only ``joins`` pass through gives the columns
    they read, and nothing else; then the reverse accessors between listed models the code
    names (see the module).

    The ``kernel``'s copies are the service's code too, run as the monolith wrote them (taiga's
    ``permissions/services.py``: ``user.cached_membership_for_project(project)``, then
    ``membership.is_admin`` and ``membership.role.permissions``), so what they do to a row is
    known by name only: they call the methods of the models the service mirrors (not of every
    model: a kernel holds whole libraries, a DRF fork, whose calls would open models the
    service never reaches); a model only joins pass through gives the fields the service's
    code reads by name too, and so does the model of a foreign key read by name from a model
    listed here, one the service does not mirror (``membership.role``). A many-to-many the
    code names (see the module) is followed the same way to its target, whose rows the
    service then lists; a generic one (taggit's) is not, and is noted where it is declared.
    """
    source = scope.source
    kernel = list(kernel)
    functions = tuple(sorted({n.target for n in names if n.handling == Handling.REMOTE_FUNCTION}))
    attributes, chains = _attribute_calls(
        source, python, {n.name for n in names if n.handling == Handling.REMOTE_MODEL})
    attributes |= template_attributes
    kernel_calls, _ = _attribute_calls(source, kernel, set())
    reads = _attribute_reads(source, [*python, *kernel])
    named, whole = _named(source, python)
    used = Used(frozenset(reads), frozenset(reads | named | template_attributes), frozenset(whole),
                _servable(scope))
    labels = {n.target: n.name for n in names if n.handling == Handling.REMOTE_MODEL}
    found = []
    for model in scope.graph.models:
        if (model.app in scope.moved_labels or model.abstract
                or model.app not in scope.own_labels):
            continue
        called = attributes | (kernel_calls if model.label in labels else set())
        methods = sorted(_model_methods(scope, model) & called
                         | (model_properties(scope, model).keys() & (reads | named)
                            if model.label in labels else set()))
        if model.label not in labels and not methods:
            continue
        managers = _manager_methods(source, model)
        chained = chains.get(labels.get(model.label, ""), set())
        found.append(AllowedModel(model.label, _exposed_fields(model, used.many(scope, model)),
                                  tuple(methods), tuple(sorted(chained & managers))))
    read: dict[str, set[str]] = {}
    for join in joins:
        for label, column in join.columns:
            read.setdefault(label, set()).add(column)
    for installed in external:  # the monolith's models of other packages (auth.Group)
        # a method the moved code gives one (add_to_class) is the service's: not listed
        model = installed.model
        if model.label in labels:
            found.append(AllowedModel(model.label, tuple(sorted(_exposed_fields(model))),
                                      tuple(sorted((installed.methods - MODEL_API)
                                                   & (attributes | kernel_calls)))))
    listed = {m.label for m in found}
    found += [AllowedModel(label, tuple(sorted(read[label] | _read_fields(
        scope, scope.graph.model(label), used)))) for label in sorted(read)
        if label not in listed]
    found, reverses = _followed(scope, found, used)
    return functions, tuple(found), _generic_notes(scope, found, used), reverses


@dataclass(frozen=True)
class Used:
    """The attributes the service's code reads (``reads``), the names it uses in any way
    (``names``), the model names a ``Meta`` takes every field of (``whole``), and the models
    whose rows the service can have (``servable``)."""

    reads: frozenset[str]
    names: frozenset[str]
    whole: frozenset[str]
    servable: frozenset[str]

    def named(self, model: Model, relation: Relation) -> bool:
        return relation.field in self.names or model.name in self.whole

    def many(self, scope: Scope, model: Model) -> set[str]:
        """The model's many-to-many fields named, whose target's rows the service can have
        (the monolith's, or its own) and whose pairs are the model's own (not generic)."""
        return {r.field for r in model.relations if r.kind == RelationKind.MANY_TO_MANY
                and r.target in self.servable and self.named(model, r)
                and not generic_pairs(scope.graph, model, r)}


def _servable(scope: Scope) -> frozenset[str]:
    """The models whose rows the service can have: those of the project that stay (through
    the bridge) and the moved ones (its own)."""
    return frozenset(m.label for m in scope.graph.models if not m.abstract and (
        m.app in scope.moved_labels or m.app in scope.own_labels))


def _generic_notes(scope: Scope, found: Iterable[AllowedModel], used: Used
                   ) -> tuple[Rewrite, ...]:
    """A generic many-to-many (taggit's) of a listed model that the service's code names:
    its pairs hold every model's, which the bridge does not send; the service's rows have
    none of it."""
    notes = []
    for allowed_model in found:
        model = scope.graph.model(allowed_model.label)
        if model is None:
            continue
        for relation in model.relations:
            if (relation.kind == RelationKind.MANY_TO_MANY and used.named(model, relation)
                    and generic_pairs(scope.graph, model, relation)):
                notes.append(Rewrite(relation.location, "plan", (
                    f"{model.label}.{relation.field} is a generic many-to-many (through "
                    f"{relation.through}, every model's pairs): the bridge does not send it, "
                    "so the service's code cannot read it from the monolith's rows"),
                    Level.WARNING))
    return tuple(notes)


def _followed(scope: Scope, found: list[AllowedModel], used: Used
              ) -> tuple[list[AllowedModel], RelatedReverses]:
    """``found``, then the models of the foreign keys the service's code reads by name from
    the rows of the listed models (``membership.role``), and of the many-to-many fields they
    send, not listed yet, with the fields it reads by name from them; then those of their
    keys, in turn. And the staying models whose key to a listed model gives it an accessor
    the code reads or names (``review.answers``), listed with that key's column, with those
    accessors."""
    staying = {m.label: m for m in scope.graph.models if m.app in scope.own_labels
               and m.app not in scope.moved_labels and not m.abstract}
    keys_to: dict[str, list[tuple[Model, Relation]]] = {}
    for source in staying.values():
        for relation in source.relations:
            if (relation.kind in (RelationKind.FOREIGN_KEY, RelationKind.ONE_TO_ONE)
                    and relation.target in staying and not relation.parent_link):
                keys_to.setdefault(relation.target, []).append((source, relation))
    listed = {m.label: m for m in found}
    reverses: dict[str, list[RelatedReverse]] = {}
    pending = [m.label for m in found]
    while pending:
        allowed_model = listed[pending.pop(0)]
        model = staying.get(allowed_model.label)
        for relation in model.relations if model else ():
            target = staying.get(relation.target or "")
            key = (relation.kind in (RelationKind.FOREIGN_KEY, RelationKind.ONE_TO_ONE)
                   and relation.field in used.reads
                   and f"{relation.field}_id" in allowed_model.fields)
            many = (relation.kind == RelationKind.MANY_TO_MANY
                    and relation.field in allowed_model.fields)
            if target is None or target.label in listed or not (key or many):
                continue
            listed[target.label] = AllowedModel(target.label, tuple(sorted(
                _read_fields(scope, target, used) | {_primary_key(target)})))
            pending.append(target.label)
        for source, relation in keys_to.get(allowed_model.label, ()):
            name = reverse_name(source, relation)
            if not name or name not in used.names:
                continue
            column = f"{relation.field}_id"
            known = listed.get(source.label)
            if known is None:
                listed[source.label] = AllowedModel(source.label, tuple(sorted(
                    _read_fields(scope, source, used) | {_primary_key(source), column})))
                pending.append(source.label)
            elif column not in known.fields:
                listed[source.label] = replace(known, fields=(*known.fields, column))
            reverses.setdefault(allowed_model.label, []).append(RelatedReverse(
                name, source.label, relation.field, relation.kind == RelationKind.ONE_TO_ONE))
    first = {m.label for m in found}
    return ([listed[m.label] for m in found]
            + sorted(m for label, m in listed.items() if label not in first),
            tuple((label, tuple(sorted(reverses[label]))) for label in sorted(reverses)))


def _read_fields(scope: Scope, model: Model | None, used: Used) -> set[str]:
    """The model's exposed fields the service's code reads by name (a foreign key's column
    when the relation is read), and the many-to-many fields it names."""
    if model is None:
        return set()
    many = used.many(scope, model)
    return {name for name in _exposed_fields(model, many)
            if name in used.reads or name.removesuffix("_id") in used.reads} | many


def _primary_key(model: Model) -> str:
    return next((f.name for f in model.fields if f.primary_key), "id")


def to_allowlist(record: ExtractionPlan) -> Allowlist:
    return Allowlist(record.allowed_functions, tuple(
        ModelAccess(m.label, m.fields, m.methods, m.chains) for m in record.allowed_models))


def _model_methods(scope: Scope, model: Model) -> set[str]:
    """The model's public methods, its project bases' included (pretalx's ``LogMixin``)."""
    return {n.name for node in class_and_bases(scope, model.location.path, model.name)
            for n in node.body if isinstance(n, ast.FunctionDef)
            and not n.name.startswith("_") and n.name not in MODEL_API}


def model_properties(scope: Scope, model: Model) -> dict[str, str]:
    """The model's public properties (``@property``, ``@cached_property``), its project
    bases' included, the nearest winning: a row read from the monolith answers them with
    their value, as a local instance would; each with the OpenAPI type its return annotation
    names (``-> int``: "INT"; "ANY" when it names none of those), which documents it where a
    ModelSerializer names it."""
    found: dict[str, str] = {}
    for node in class_and_bases(scope, model.location.path, model.name):
        for n in node.body:
            if (isinstance(n, ast.FunctionDef) and not n.name.startswith("_") and any(
                    (d.id if isinstance(d, ast.Name) else d.attr
                     if isinstance(d, ast.Attribute) else "") in _PROPERTY_DECORATORS
                    for d in n.decorator_list)):
                found.setdefault(n.name, _RETURNS.get(
                    ast.unparse(n.returns).rpartition(".")[2] if n.returns else "", "ANY"))
    return found


_PROPERTY_DECORATORS = frozenset({"property", "cached_property"})
# Return annotations by their last name, as drf-spectacular types them.
_RETURNS = {"int": "INT", "float": "FLOAT", "Decimal": "DECIMAL", "bool": "BOOL", "str": "STR",
            "datetime": "DATETIME", "date": "DATE", "time": "TIME", "timedelta": "DURATION",
            "UUID": "UUID", "dict": "OBJECT"}


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
    """Every ``x.name(...)`` called in moved code, and every name of a DRF field's
    ``source`` (``IntegerField(source="get_duration")``: DRF calls the method it names);
    and per remote model name the methods called on its ``.objects`` chains."""
    attributes: set[str] = set()
    chains: dict[str, set[str]] = {}
    for path, _ in python:
        tree = source.tree(path)
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, ast.Call):
                attributes.update(part for k in node.keywords if k.arg == "source"
                                  and isinstance(k.value, ast.Constant)
                                  and isinstance(k.value.value, str)
                                  for part in k.value.value.split("."))
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


def _named(source: Source, python: Iterable[tuple[str, str]]) -> tuple[set[str], set[str]]:
    """The names these files give as text or keywords (each part of a lookup:
    ``"talk__tracks__in"`` -> ``talk``, ``tracks``, ``in``), and the model names their
    ``Meta`` classes take every field of (``model = Question``, ``fields = "__all__"``)."""
    named: set[str] = set()
    whole: set[str] = set()
    for path, _ in python:
        tree = source.tree(path)
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                named.update(node.value.lstrip("-").split("__"))
            elif isinstance(node, ast.keyword) and node.arg:
                named.update(node.arg.split("__"))
            elif isinstance(node, ast.ClassDef) and node.name == "Meta":
                given = {t.id: s.value for s in node.body if isinstance(s, ast.Assign)
                         for t in s.targets if isinstance(t, ast.Name)}
                model, fields = given.get("model"), given.get("fields")
                if (isinstance(fields, ast.Constant) and fields.value == "__all__"
                        and isinstance(model, ast.Name | ast.Attribute)):
                    whole.add(model.id if isinstance(model, ast.Name) else model.attr)
    return {name for name in named if name.isidentifier()}, whole


def _exposed_fields(model: Model, many: Collection[str] = ()) -> tuple[str, ...]:
    """The model's columns as the bridge sends them: foreign keys as ``<name>_id``; the
    ``many`` many-to-many fields by their name (the target's keys)."""
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
        elif field.name in many:
            fields.append(field.name)
    return tuple(fields)
