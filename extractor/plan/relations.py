"""Relations across the cut: which foreign keys become id columns, which traversals survive.

A moved model keeps real relations to other moved models and to the apps the service installs
itself; a relation to a model that stays becomes a plain id column where the key type allows,
and a many-to-many to one keeps its pairs' table as a through model holding such a column.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from decompose.errors import CannotExtract
from decompose.model import (
    CrossDependency,
    Handling,
    Location,
    Model,
    ProjectGraph,
    Relation,
    RelationKind,
)
from extractor.codemods.base import (
    MovedModel,
    RemoteAccessor,
    RemoteGeneric,
    ReplacedRelation,
    ReverseKey,
    ThroughTable,
)
from extractor.plan.external_models import external_key
from extractor.plan.scope import Scope


@dataclass(frozen=True, order=True)
class LocalReverse:
    """A reverse accessor a moved model's key (now an id column) gave a model that stays:
    the service's rows of ``model`` whose ``column`` holds the monolith row's key."""

    name: str  # "storage_entries"
    model: str  # the moved model, "userstorage.StorageEntry"
    column: str  # its id column, "owner_id"
    one: bool  # a one-to-one: the one row, not a manager


# Apps the service installs itself: relations into them stay real foreign keys.
SERVICE_APPS = frozenset({"contenttypes"})
# The column type that holds a key of each type; a key of any other type has no rewrite.
PK_COLUMN_TYPES = {"AutoField": "IntegerField", "BigAutoField": "BigIntegerField",
                   "SmallAutoField": "SmallIntegerField", "IntegerField": "IntegerField",
                   "BigIntegerField": "BigIntegerField", "SmallIntegerField": "SmallIntegerField",
                   "PositiveIntegerField": "PositiveIntegerField",
                   "PositiveBigIntegerField": "PositiveBigIntegerField", "UUIDField": "UUIDField",
                   "CharField": "CharField", "SlugField": "CharField"}
# Key types whose column needs the key's max_length, read from the target's declaration.
SIZED_KEYS = frozenset({"CharField", "SlugField"})
SLUG_MAX_LENGTH = 50  # Django's default for a SlugField
# The longest table name PostgreSQL keeps: Django shortens longer default many-to-many table
# names per database (a hash suffix), which the service cannot know.
MAX_TABLE_NAME = 63
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
                reverse = reverse_name(model, relation)
                if relation.kind != RelationKind.GENERIC_RELATION and reverse:
                    # its accessor (step_set) and the name lookups follow it by (step__...)
                    query = (relation.related_name and reverse) or model.name.lower()
                    hops[relation.target] += [(reverse, model.label), (query, model.label)]
    return tuple(MovedModel(m.label, scope.source.module_of(m.location.path), m.db_table,
                            m.abstract, tuple(sorted(set(hops[m.label])))) for m in models)


def remote_generics(scope: Scope
                    ) -> tuple[tuple[RemoteGeneric, ...], tuple[CrossDependency, ...]]:
    """The ``GenericRelation`` fields of moved models (abstract bases too, rewritten there) to
    models of the project's apps that stay, and a dependency for each concrete model's."""
    generics, dependencies = [], []
    for model in _moved_models(scope):
        for relation in model.relations:
            target = relation.target
            if (relation.kind != RelationKind.GENERIC_RELATION or not target
                    or target.partition(".")[0] not in scope.own_labels - scope.moved_labels):
                continue
            generics.append(RemoteGeneric(model.label, relation.field, target))
            if not model.abstract:
                dependencies.append(CrossDependency(
                    relation.location, f"{model.label}.{relation.field} -> {target}",
                    Handling.REMOTE_MODEL, "a GenericRelation: the monolith's rows whose generic "
                    "key points here (RemoteGenericRelation)"))
    return tuple(generics), tuple(dependencies)


def replaced_relations(scope: Scope, default_auto_field: str | None = None
                       ) -> tuple[tuple[ReplacedRelation, ...], tuple[CrossDependency, ...]]:
    """Relations of moved models into apps that stay, each an id column of the target's key
    type (a many-to-many's in its pairs' table); one that cannot be (a key no column type
    holds, a many-to-many through an explicit model) is refused before anything is written,
    never dropped. ``default_auto_field`` is the project's setting."""
    replaced, dependencies = [], []
    for model in _moved_models(scope):
        for relation in model.relations:
            target = relation.target
            if (target is None or relation.parent_link or relation.kind not in REPLACEABLE
                    or target.partition(".")[0] in scope.moved_labels | SERVICE_APPS):
                continue
            edge = f"{model.label}.{relation.field} -> {target}"
            if model.abstract:  # declared on the base (taiga's AbstractCustomAttribute.project):
                # rewritten there, listed with each concrete model that inherits it
                if relation.kind != RelationKind.MANY_TO_MANY:
                    replaced.append(ReplacedRelation(model.label, relation.field, target, *(
                        _key_column(scope, target, default_auto_field, edge,
                                    relation.location))))
                continue
            if relation.kind == RelationKind.MANY_TO_MANY and relation.through:
                raise CannotExtract(_many_to_many_refusal(scope, model, relation, edge),
                                    path=relation.location.path, line=relation.location.line)
            column, args = _key_column(scope, target, default_auto_field, edge,
                                       relation.location)
            if relation.kind == RelationKind.MANY_TO_MANY:
                through = _through_table(scope, model, relation, edge)
                replaced.append(ReplacedRelation(model.label, relation.field, target, column,
                                                 args, through))
                dependencies.append(CrossDependency(
                    relation.location, edge, Handling.ID_COLUMN,
                    f"pairs kept in {through.db_table} ({through.name}: {through.source}_id, "
                    f"{through.column} {column}) + RemoteManyToMany"))
                continue
            replaced.append(ReplacedRelation(model.label, relation.field, target, column, args))
            dependencies.append(CrossDependency(
                relation.location, edge, Handling.ID_COLUMN,
                f"{relation.field}_id {column} + RemoteRelation"))
    return tuple(replaced), tuple(dependencies)


def _key_column(scope: Scope, target: str, default_auto_field: str | None, edge: str,
                where: Location) -> tuple[str, str]:
    """The column type holding the key of ``target`` and its arguments (``max_length=64``
    for a character key); refused when no column type holds it."""
    key_type = _key_type(scope, target, default_auto_field)
    column = PK_COLUMN_TYPES.get(key_type or "", "")
    length = _key_length(scope, target) if key_type in SIZED_KEYS else None
    if not column or (key_type in SIZED_KEYS and length is None):
        why = (f"its key is a {key_type}" + (" of no literal max_length" if column else "")
               if key_type else "its source (and so its key type) was not found")
        raise CannotExtract(f"{edge}: no id-column rewrite, {why}",
                            path=where.path, line=where.line)
    return column, f"max_length={length}" if length is not None else ""


def _key_length(scope: Scope, label: str) -> int | None:
    """``max_length`` of the project model ``label``'s declared key, when a literal."""
    model = scope.graph.model(label)
    pk = next((f for f in model.fields if f.primary_key), None) if model else None
    if model is None or pk is None:
        return None
    value = _field_keyword(scope, model.location.path, "max_length", field=pk.name,
                           class_name=model.name)
    if value is None and pk.type.rpartition(".")[2] == "SlugField":
        return SLUG_MAX_LENGTH
    return value if isinstance(value, int) else None


def _field_keyword(scope: Scope, path: str, keyword: str, *, field: str,
                   class_name: str = "", line: int = 0) -> object:
    """The literal value of ``keyword`` in the declaration of ``field`` (in ``class_name``,
    or the one at ``line``): None when absent, ``...`` when present but not a literal."""
    tree = scope.source.tree(path)
    for node in ast.walk(tree) if tree else ():
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                and any(isinstance(t, ast.Name) and t.id == field for t in node.targets)
                and (node.lineno == line or not line)
                and (not class_name or _owner(tree, node) == class_name)):
            found = next((k.value for k in node.value.keywords if k.arg == keyword), None)
            if found is None:
                return None
            return found.value if isinstance(found, ast.Constant) else ...
    return None


def _owner(tree: ast.Module | None, statement: ast.stmt) -> str:
    return next((n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef)
                 and statement in n.body), "") if tree else ""


def _through_table(scope: Scope, model: Model, relation: Relation, edge: str) -> ThroughTable:
    """The table Django created for the field, named and laid out as Django does
    (``create_many_to_many_intermediary_model``), kept by the service as it is."""
    where = relation.location
    table = _field_keyword(scope, where.path, "db_table", field=relation.field,
                           line=where.line)
    if table is ... or (table is not None and not isinstance(table, str)):
        raise CannotExtract(f"{edge}: the many-to-many's db_table is not a literal; write "
                            "the table's name", path=where.path, line=where.line)
    table = table or f"{model.db_table}_{relation.field}"
    if len(table) > MAX_TABLE_NAME:
        raise CannotExtract(f"{edge}: the pairs' table name {table!r} is longer than "
                            f"{MAX_TABLE_NAME} characters, which databases shorten each their "
                            "own way; set db_table on the field to the table's real name",
                            path=where.path, line=where.line)
    source = model.name.lower()
    to = str(relation.target).rpartition(".")[2].lower()
    if to == source:
        source, to = f"from_{source}", f"to_{to}"
    return ThroughTable(f"{model.name}_{relation.field}", table, source, f"{to}_id")


def _many_to_many_refusal(scope: Scope, model: Model, relation: Relation, edge: str) -> str:
    """What to change for a many-to-many through an explicit model. One of the moved app
    holds the pairs already (its key to the target becomes an id column): the field can go.
    One of an app that stays keeps the pairs in the monolith, where the service can neither
    read them as its relation nor write them; a
    generic one (taggit's, keyed by content type and object id) holds every model's pairs,
    so a many-to-many of the moved app's own, whose table the service keeps, is the way out."""
    moved = " ".join(sorted(scope.moved_labels))
    through, target = str(relation.through), str(relation.target)
    app, _, name = through.partition(".")
    if app in scope.moved_labels:
        return (f"{edge}: a many-to-many has no id-column rewrite; remove the field and query "
                f"{through} (its key to {target} becomes an id column)")
    extract = f"extract {app} with it (decompose extract {moved} {app})"
    if generic_pairs(scope.graph, model, relation):
        return (f"{edge}: a many-to-many through {through}, a model that stays and holds the "
                "pairs of every model by content type (a generic through); the service can "
                f"neither read nor write them there: declare {model.name}.{relation.field} as "
                f"a plain ManyToManyField to {target} in the monolith (its own table, filled "
                f"from {name} by a data migration), which decompose keeps in the service, or "
                f"{extract}")
    return f"{edge}: a many-to-many through {through}, a model that stays; {extract}"


def generic_pairs(graph: ProjectGraph, model: Model, relation: Relation) -> bool:
    """Whether a many-to-many's pairs are generic: taggit's manager, or a through model
    with no key to ``model`` (it holds every model's pairs, keyed by content type)."""
    through = graph.model(relation.through) if relation.through else None
    return relation.type.rpartition(".")[2].endswith("TaggableManager") or (
        through is not None and not any(r.target == model.label for r in through.relations))


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
            name = reverse_name(model, relation)
            if not name or relation.parent_link:
                continue
            if (relation.kind in (RelationKind.FOREIGN_KEY, RelationKind.ONE_TO_ONE)
                    and model.app in scope.own_labels):
                remote.append(RemoteAccessor(relation.target, name, model.label,
                                             relation.field, one))
            else:
                lost.add(name)
    return tuple(sorted(remote, key=lambda a: (a.model, a.name))), frozenset(lost)


def reverse_name(model: Model, relation: Relation) -> str:
    """The accessor Django gives the target of ``model.relation`` (``related_name``, its
    ``%(class)s`` and ``%(app_label)s`` filled in for the concrete model; else ``order_set``, or
    ``order`` for a one-to-one), "" for none (``+``)."""
    if relation.related_name is not None:
        name = relation.related_name % {"class": model.name.lower(), "model_name":
                                        model.name.lower(), "app_label": model.app.lower()}
        return "" if name.endswith("+") else name
    one = relation.kind == RelationKind.ONE_TO_ONE
    return model.name.lower() if one else f"{model.name.lower()}_set"


def local_reverses(scope: Scope, replaced: tuple[ReplacedRelation, ...]
                   ) -> tuple[tuple[str, tuple[LocalReverse, ...]], ...]:
    """Per model that stays, the reverse accessors the moved models' keys to it (now id
    columns) gave it: ``user.storage_entries`` is the service's rows with that ``owner_id``,
    which the service answers for its token user and the monolith's rows it reads."""
    columns = {(r.model, r.field) for r in replaced if not r.many}
    found: dict[str, list[LocalReverse]] = {}
    for model in _moved_models(scope):
        for relation in model.relations if not model.abstract else ():
            name = reverse_name(model, relation)
            if (model.label, relation.field) in columns and name and relation.target:
                found.setdefault(relation.target, []).append(LocalReverse(
                    name, model.label, f"{relation.field}_id",
                    relation.kind == RelationKind.ONE_TO_ONE))
    return tuple((label, tuple(sorted(found[label]))) for label in sorted(found))


def reverse_keys(scope: Scope, replaced: tuple[ReplacedRelation, ...]
                 ) -> tuple[ReverseKey, ...]:
    """The query names the moved models' keys (now id columns) gave the models that stay:
    ``User.objects.filter(userspace__space=s)`` names ``cookbook.UserSpace.user`` (its
    ``related_name``, else its model's name in lower case, as Django names it)."""
    columns = {(r.model, r.field) for r in replaced if not r.many}
    found = set()
    for model in _moved_models(scope):
        for relation in model.relations if not model.abstract else ():
            if (model.label, relation.field) in columns and relation.target:
                name = (reverse_name(model, relation) if relation.related_name is not None
                        else model.name.lower())
                if name:
                    found.add(ReverseKey(name, model.label, f"{relation.field}_id",
                                          relation.target))
    return tuple(sorted(found, key=lambda k: (k.name, k.model, k.column)))


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
