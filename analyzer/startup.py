"""What well-known packages add to the registry when Django starts, recognised statically.

Some packages create models or fields at start-up instead of in the source: django-simple-
history's ``HistoricalRecords()`` builds a ``Historical<Model>`` with copies of the model's
foreign keys and a ``history_user``; django-activity-stream's ``registry.register(Model)`` in
``AppConfig.ready()`` puts three generic relations on the model; django-hierarkey's
``@settings_hierarkey.add()`` class decorator builds a ``<Model>_SettingsStore`` keyed to the
model (``.set_global()``: one without a key). One rule per package, a pure function over the
contract's ``Model``. (taggit's ``TaggableManager`` is a relation field
declared in the source: ``analyzer.known`` lists it.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from decompose.model import Field, Location, Model, Relation, RelationKind

Options = dict[str, object]  # the call's keywords; a value that is not a literal is None
ModelRef = tuple[str, str]  # ("config", "Name") | ("label", "app.Name") | ("name", "dotted")


@dataclass(frozen=True)
class RegisterFact:
    """A registration call (``registry.register(Model)``) that ``analyzer.collectors.startup``
    records and ``analyzer.model_startup`` applies a register rule to."""

    func: str  # dotted as written, e.g. "registry.register"
    model: ModelRef
    line: int


@dataclass(frozen=True)
class FieldRule:
    """A class attribute whose ``contribute_to_class`` registers another model."""

    package: str
    trigger: str  # qualified name of the called class
    contribute: Callable[[Model, Options, str, Location], Model]


@dataclass(frozen=True)
class RegisterRule:
    """A registration call (usually in ``AppConfig.ready``) that adds fields to a model."""

    package: str
    prefix: str  # qualified names of the package's register function start with it
    contribute: Callable[[Model, Location], tuple[Relation, ...]]


@dataclass(frozen=True)
class DecoratorRule:
    """A class decorator, a method of an instance (``Hierarkey(attribute_name=...)``) bound at
    module level, that registers a model beside the decorated class."""

    package: str
    instance: str  # the instance's class name, as ``INSTANCE_KEYWORDS`` records it
    methods: frozenset[str]
    contribute: Callable[[str, str, Model | None, str, Location], Model]


# Constructors whose instances decorate classes: class name -> the keyword the rule reads.
INSTANCE_KEYWORDS = {"Hierarkey": "attribute_name"}

_COPIED = frozenset({RelationKind.FOREIGN_KEY, RelationKind.ONE_TO_ONE})
_AUTO_TO_INTEGER = {"AutoField": "IntegerField", "BigAutoField": "BigIntegerField",
                    "SmallAutoField": "SmallIntegerField"}


def historical_model(model: Model, options: Options, user_model: str,
                     where: Location) -> Model:
    """simple-history's ``HistoricalRecords.create_history_model``: concrete fields copied
    (keys become plain foreign keys without constraint), many-to-many left out, plus the
    history columns and ``history_user``."""
    excluded = options.get("excluded_fields")
    excluded = set(excluded) if isinstance(excluded, list) else set()
    given_app = options.get("app")
    app = given_app if isinstance(given_app, str) else model.app
    custom = options.get("custom_model_name")
    name = custom if isinstance(custom, str) else f"Historical{model.name}"
    table = options.get("table_name")
    relations = [Relation(r.field, "ForeignKey", RelationKind.FOREIGN_KEY, r.target, where,
                          on_delete="DO_NOTHING", related_name="+")
                 for r in model.relations if r.kind in _COPIED and r.field not in excluded]
    not_columns = {r.field for r in model.relations if r.kind not in _COPIED}
    copied = [Field(f.name, _AUTO_TO_INTEGER.get(f.type.rpartition(".")[2], f.type), f.null,
                    db_column=f.db_column)
              for f in model.fields if f.name not in excluded and f.name not in not_columns]
    fields = [Field("history_id", "AutoField", primary_key=True), *copied,
              Field("history_date", "DateTimeField"),
              Field("history_change_reason", "CharField", null=True),
              Field("history_type", "CharField")]
    if "history_user_id_field" not in options and "history_user_getter" not in options:
        target = options.get("user_model")
        fields.append(Field("history_user", "ForeignKey", null=True))
        relations.append(Relation("history_user", "ForeignKey", RelationKind.FOREIGN_KEY,
                                  target if isinstance(target, str) else user_model, where,
                                  on_delete="SET_NULL", related_name="+"))
    return Model(label=f"{app}.{name}", app=app,
                 db_table=table if isinstance(table, str) else f"{app}_{name.lower()}",
                 abstract=False, proxy=False, location=where, fields=tuple(fields),
                 relations=tuple(relations))


def action_relations(model: Model, where: Location) -> tuple[Relation, ...]:
    """actstream's ``setup_generic_relations``: ``<role>_actions`` to ``actstream.Action``."""
    declared = {r.field for r in model.relations}
    return tuple(Relation(f"{role}_actions", "GenericRelation", RelationKind.GENERIC_RELATION,
                          "actstream.Action", where)
                 for role in ("actor", "target", "action_object")
                 if f"{role}_actions" not in declared)


def settings_store(app: str, name: str, model: Model | None, attribute: str,
                   where: Location) -> Model:
    """hierarkey's ``add()``/``set_global()``: ``<Class>_<Attribute>Store`` (key, value and,
    for a model, ``object``) in the decorated class's app."""
    store = f"{name}_{attribute.title()}Store"
    fields = [Field("id", "AutoField", primary_key=True), Field("key", "CharField"),
              Field("value", "TextField")]
    relations = []
    if model is not None:
        fields.append(Field("object", "ForeignKey"))
        relations.append(Relation("object", "ForeignKey", RelationKind.FOREIGN_KEY, model.label,
                                  where, on_delete="CASCADE",
                                  related_name=f"_{attribute}_objects"))
    return Model(label=f"{app}.{store}", app=app, db_table=f"{app}_{store.lower()}",
                 abstract=False, proxy=False, location=where, fields=tuple(fields),
                 relations=tuple(relations))


DECORATOR_RULES: tuple[DecoratorRule, ...] = (
    DecoratorRule("django-hierarkey", "Hierarkey", frozenset({"add", "set_global"}),
                  settings_store),
)

FIELD_RULES: dict[str, FieldRule] = {rule.trigger: rule for rule in (
    FieldRule("django-simple-history", "simple_history.models.HistoricalRecords",
              historical_model),
)}

REGISTER_RULES: tuple[RegisterRule, ...] = (
    RegisterRule("django-activity-stream", "actstream.", action_relations),
)


def decorator_rule(meaning: str, method: str) -> tuple[DecoratorRule, str] | None:
    """(rule, keyword value) for a decorator ``obj.method`` where ``obj`` resolved to
    ``instance:<Class>:<keyword value>``."""
    kind, _, rest = meaning.partition(":")
    instance, _, value = rest.partition(":")
    if kind != "instance":
        return None
    rule = next((r for r in DECORATOR_RULES if r.instance == instance and method in r.methods),
                None)
    return (rule, value) if rule is not None else None


def register_rule(qualified: str) -> RegisterRule | None:
    if not qualified.endswith("register"):
        return None
    return next((r for r in REGISTER_RULES if qualified.startswith(r.prefix)), None)
