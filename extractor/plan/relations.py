"""Relations across the cut: which foreign keys become id columns, which traversals survive.

A moved model keeps real relations to other moved models and to the apps the service installs
itself; a relation to a model that stays becomes a plain id column where the key type allows.
"""

from __future__ import annotations

from decompose.errors import CannotExtract
from decompose.model import CrossDependency, Handling, Model, ProjectGraph, RelationKind
from extractor.codemods.base import MovedModel, RemoteAccessor, ReplacedRelation
from extractor.plan.external_keys import external_key
from extractor.plan.scope import Scope

# Apps the service installs itself: relations into them stay real foreign keys.
SERVICE_APPS = frozenset({"contenttypes"})
# The column type that holds a key of each type; a key of any other type has no rewrite.
PK_COLUMN_TYPES = {"AutoField": "IntegerField", "BigAutoField": "BigIntegerField",
                   "SmallAutoField": "SmallIntegerField", "IntegerField": "IntegerField",
                   "BigIntegerField": "BigIntegerField", "SmallIntegerField": "SmallIntegerField",
                   "PositiveIntegerField": "PositiveIntegerField",
                   "PositiveBigIntegerField": "PositiveBigIntegerField", "UUIDField": "UUIDField"}
REPLACEABLE = (RelationKind.FOREIGN_KEY, RelationKind.ONE_TO_ONE, RelationKind.MANY_TO_MANY)


def _moved_models(scope: Scope) -> list[Model]:
    return [m for m in scope.graph.models if m.app in scope.moved_labels]


def moved_models(scope: Scope) -> tuple[MovedModel, ...]:
    """The moved models with the relations (and reverse accessors) that link them together."""
    models = _moved_models(scope)
    hops: dict[str, list[tuple[str, str]]] = {m.label: [] for m in models}
    for model in models:
        for relation in model.relations:
            if relation.target in hops:
                hops[model.label].append((relation.field, relation.target))
                reverse = relation.related_name or f"{model.name.lower()}_set"
                if relation.kind != RelationKind.GENERIC_RELATION and reverse != "+":
                    hops[relation.target].append((reverse, model.label))
    return tuple(MovedModel(m.label, scope.source.module_of(m.location.path), m.db_table,
                            m.abstract, tuple(sorted(set(hops[m.label])))) for m in models)


def replaced_relations(scope: Scope, default_auto_field: str | None = None
                       ) -> tuple[tuple[ReplacedRelation, ...], tuple[CrossDependency, ...]]:
    """Relations of moved models into apps that stay, each an id column of the target's key
    type; one that cannot be (a many-to-many, a key no column type holds) is refused before
    anything is written, never dropped. ``default_auto_field`` is the project's setting."""
    replaced, dependencies = [], []
    for model in _moved_models(scope):
        if model.abstract:
            continue
        for relation in model.relations:
            target = relation.target
            if (target is None or relation.parent_link or relation.kind not in REPLACEABLE
                    or target.partition(".")[0] in scope.moved_labels | SERVICE_APPS):
                continue
            edge = f"{model.label}.{relation.field} -> {target}"
            if relation.kind == RelationKind.MANY_TO_MANY:
                raise CannotExtract(_many_to_many_refusal(scope, model, relation.field, edge,
                                                          relation.through),
                                    path=relation.location.path, line=relation.location.line)
            key_type = _key_type(scope, target, default_auto_field)
            column = PK_COLUMN_TYPES.get(key_type or "", "")
            if not column:
                why = (f"its key is a {key_type}" if key_type else
                       "its source (and so its key type) was not found")
                raise CannotExtract(f"{edge}: no id-column rewrite, {why}",
                                    path=relation.location.path, line=relation.location.line)
            replaced.append(ReplacedRelation(model.label, relation.field, target, column, False))
            dependencies.append(CrossDependency(
                relation.location, edge, Handling.ID_COLUMN,
                f"{relation.field}_id {column} + RemoteRelation"))
    return tuple(replaced), tuple(dependencies)


def _many_to_many_refusal(scope: Scope, model: Model, field: str, edge: str,
                          through: str | None) -> str:
    """What to change: a many-to-many has no id-column form, but a model of the moved app
    holding the pairs has (its key to the target becomes one); a through model of an app
    that stays keeps the pairs in the monolith, so that app must come along."""
    moved = " ".join(sorted(scope.moved_labels))
    if through and through.partition(".")[0] not in scope.moved_labels:
        return (f"{edge}: a many-to-many through {through}, a model that stays; extract "
                f"{through.partition('.')[0]} with it (decompose extract {moved} "
                f"{through.partition('.')[0]})")
    if through:
        return (f"{edge}: a many-to-many has no id-column rewrite; remove the field and query "
                f"{through} (its key to {edge.rpartition(' ')[2]} becomes an id column)")
    return (f"{edge}: a many-to-many to a model that stays has no id-column rewrite; replace "
            f"it by a model of {model.app} holding the pairs (db_table "
            f"\"{model.db_table}_{field}\", a foreign key to each side) and query that")


def _key_type(scope: Scope, label: str, default_auto_field: str | None) -> str | None:
    """The field class of the key of ``label`` (``AutoField``): from the graph for the
    project's models, from the installed source for the others; None when not found."""
    model = scope.graph.model(label)
    if model is not None:
        pk = next((f for f in model.fields if f.primary_key), None)
        return pk.type.rpartition(".")[2] if pk else None
    app_label, _, name = label.partition(".")
    app = next((a for a in scope.graph.apps if a.label == app_label and a.external), None)
    key = external_key(app, name, default_auto_field) if app else None
    return key.field_type if key else None


def reverse_accessors(scope: Scope) -> tuple[tuple[RemoteAccessor, ...], frozenset[str]]:
    """Reverse accessors that models staying in the monolith add to moved models: those the
    service asks the monolith for (a foreign key or one-to-one of a project model, whose rows
    the bridge can filter by that key), and the names of the others, which it cannot offer."""
    remote, lost = [], set()
    for model in scope.graph.models:
        if model.app in scope.moved_labels or model.abstract:
            continue
        for relation in model.relations:
            if not relation.target or relation.target.partition(".")[0] not in scope.moved_labels:
                continue
            one = relation.kind == RelationKind.ONE_TO_ONE
            name = relation.related_name or (model.name.lower() if one
                                             else f"{model.name.lower()}_set")
            if name == "+" or relation.parent_link:
                continue
            if (relation.kind in (RelationKind.FOREIGN_KEY, RelationKind.ONE_TO_ONE)
                    and model.app in scope.own_labels):
                remote.append(RemoteAccessor(relation.target, name, model.label,
                                             relation.field, one))
            else:
                lost.add(name)
    return tuple(sorted(remote, key=lambda a: (a.model, a.name))), frozenset(lost)


def remote_relations(graph: ProjectGraph, labels: frozenset[str]
                     ) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """Per allowlisted monolith model, its foreign keys to other allowlisted ones: what a
    remote row can follow (``shipment.carrier``) without the service reading any table."""
    found = []
    for model in graph.models:
        if model.label in labels:
            keys = tuple(sorted((r.field, r.target) for r in model.relations
                                if r.target in labels and not r.parent_link and r.kind in (
                                    RelationKind.FOREIGN_KEY, RelationKind.ONE_TO_ONE)))
            if keys:
                found.append((model.label, keys))
    return tuple(found)
