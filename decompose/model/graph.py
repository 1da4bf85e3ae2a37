"""The analyzer's output: a static picture of a Django project, in Django's own vocabulary.

These frozen dataclasses are the contract between ``analyzer`` and every later stage (and the
shape of ``graph.json``). Constructors normalise, so two graphs built from the same source in any
file-system order compare (and serialise) equal.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

GRAPH_SCHEMA_VERSION = 2  # 2 added ``settings`` (version 1 is read with it null)
# What a custom user model subclasses (``AUTH_USER_MODEL`` points at such a model).
USER_MODEL_BASES = frozenset({"auth.AbstractUser", "auth.AbstractBaseUser"})


@dataclass(frozen=True, order=True)
class Location:
    """A place in the analysed source: POSIX path relative to the analysed root, 1-based line."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"

    def __json__(self) -> str:
        return str(self)

    @classmethod
    def __from_json__(cls, text: str) -> Location:
        return cls.parse(text)

    @classmethod
    def parse(cls, text: str) -> Location:
        path, sep, line = text.rpartition(":")
        if not sep or not line.isdigit():
            raise ValueError(f"not a path:line location: {text!r}")
        return cls(path, int(line))


class RelationKind(enum.StrEnum):
    """The Django base class a relation field derives from."""

    FOREIGN_KEY = "ForeignKey"
    ONE_TO_ONE = "OneToOneField"
    MANY_TO_MANY = "ManyToManyField"
    GENERIC_FOREIGN_KEY = "GenericForeignKey"
    GENERIC_RELATION = "GenericRelation"


class DependencyKind(enum.StrEnum):
    """Why one app depends on another; each kind has its own default weight in boundaries."""

    RELATION = "relation"  # a relation field pointing into the other app
    INHERITANCE = "inheritance"  # a model (or abstract base) subclassing the other app's model
    IMPORT = "import"  # an import statement (module level or inside a function)
    ORM = "orm"  # use of the other app's models in code: queries, instantiation
    SIGNAL = "signal"  # a receiver bound to the other app's sender, or its custom signal sent
    URL = "url"  # a URLconf include()/view reference into the other app
    DYNAMIC = "dynamic"  # apps.get_model("app", "Model") and get_model/get_class helpers


class DiagnosticLevel(enum.StrEnum):
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class App:
    """One entry of INSTALLED_APPS, named as Django names it (``label``) and imports it."""

    label: str
    name: str  # dotted module path, e.g. "shop.orders" or "django.contrib.auth"
    path: str | None  # own apps: relative to the analysed root; external: absolute, or None
    external: bool


@dataclass(frozen=True)
class Field:
    """A concrete or relation field as declared (inherited abstract fields included)."""

    name: str
    type: str  # the field class as written, e.g. "models.CharField", "TreeForeignKey"
    null: bool = False
    unique: bool = False
    primary_key: bool = False
    db_column: str | None = None


@dataclass(frozen=True)
class Relation:
    """A forward relation field, with its target resolved to a model label where possible."""

    field: str
    type: str  # the field class as written
    kind: RelationKind  # its Django base class
    target: str | None  # "app_label.Model"; None for a GenericForeignKey or an unresolved target
    location: Location
    through: str | None = None  # model label of an explicit through model
    on_delete: str | None = None  # e.g. "CASCADE", as the attribute name written
    related_name: str | None = None
    parent_link: bool = False  # the implicit <parent>_ptr of multi-table inheritance


@dataclass(frozen=True)
class Model:
    """A model class of a project-own app, as Django's registry would know it."""

    label: str  # "orders.Order"
    app: str  # app label
    db_table: str
    abstract: bool
    proxy: bool
    location: Location
    managed: bool = True
    parents: tuple[str, ...] = ()  # labels of direct model bases (abstract ones included)
    fields: tuple[Field, ...] = ()
    relations: tuple[Relation, ...] = ()

    @property
    def name(self) -> str:
        return self.label.partition(".")[2]

    def __post_init__(self) -> None:
        object.__setattr__(self, "relations", tuple(sorted(self.relations,
                                                           key=lambda r: (r.field, r.kind))))


@dataclass(frozen=True)
class Dependency:
    """An app-level edge of one kind; ``weight`` counts occurrences, each at a location."""

    source: str
    target: str
    kind: DependencyKind
    weight: int
    locations: tuple[Location, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "locations", tuple(sorted(set(self.locations))))


@dataclass(frozen=True)
class UrlRoute:
    """A URL path prefix (or exact pattern) and the app whose views serve it."""

    prefix: str  # "/api/orders/"; a regex when ``regex`` is true
    app: str | None  # None when the view could not be traced to an app
    location: Location
    view: str | None = None  # dotted path of the view or viewset, when known
    name: str | None = None  # the URL name, namespaced like reverse() takes it
    regex: bool = False


@dataclass(frozen=True)
class WriteScope:
    """A function or ``transaction.atomic`` block that writes models of more than one app.

    Boundaries turn these into distributed transactions when the apps land in different services.
    """

    kind: str  # "function" or "atomic"
    name: str  # dotted function path
    app: str  # the app whose code holds it
    models: tuple[str, ...]  # labels of models written (save/create/update/delete/bulk_*)
    location: Location

    def __post_init__(self) -> None:
        object.__setattr__(self, "models", tuple(sorted(set(self.models))))


@dataclass(frozen=True)
class Diagnostic:
    """A warning or error about the analysed source; never fatal on its own."""

    level: DiagnosticLevel
    code: str  # short, stable, kebab-case, e.g. "syntax-error", "dynamic-installed-apps"
    message: str
    location: Location | None = None

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.level}: {self.message} [{self.code}]"


class SettingForm(enum.StrEnum):
    """How a setting's winning assignment is written: what a later stage may edit in place."""

    LIST = "list"  # a list display: the monolith patch appends to it
    TUPLE = "tuple"
    LITERAL = "literal"  # a constant, or a dict of constants
    COMPUTED = "computed"  # anything else: names, operators, calls, a settings-class property


@dataclass(frozen=True)
class SettingDefinition:
    """Where a setting gets its value: the assignment (or ``def``) that wins."""

    name: str  # as written there (``LOCAL_APPS`` for the part of INSTALLED_APPS it names)
    location: Location
    form: SettingForm
    owner: str | None = None  # the settings class holding it as an attribute or property
    included: bool = False  # in a file django-split-settings' include() runs


@dataclass(frozen=True)
class SettingValue:
    """A project setting as the static evaluator knows it.

    ``opaque``: not fully evaluated (``expression`` is the source the monolith computes it
    from; ``value`` keeps the entries of a dict that are known, else is None);
    ``environment``: read from that environment variable, ``value`` being the default used
    when it is unset (opaque when there is none)."""

    name: str
    location: Location | None
    value: Any = None  # JSON data: str, int, float, bool, None, lists and string-keyed dicts
    opaque: bool = False
    expression: str | None = None
    environment: str | None = None
    entries: dict[str, int] = field(default_factory=dict)  # a dict display's line per key

    def entry(self, key: str) -> Location | None:
        """Where the dict display sets ``key`` (REST_FRAMEWORK's DEFAULT_PAGINATION_CLASS)."""
        line = self.entries.get(key)
        return self.location if line is None or self.location is None else Location(
            self.location.path, line)


@dataclass(frozen=True)
class SettingsFacts:
    """What later stages need from the settings, read once by the analyzer's evaluator."""

    import_root: str  # where the project's modules import from, relative to the root: ".", "src"
    installed_apps: SettingDefinition | None = None
    # The list or tuple INSTALLED_APPS names the project's own apps in: INSTALLED_APPS itself,
    # or the part it is built from (LOCAL_APPS of DJANGO_APPS + LOCAL_APPS).
    app_list: SettingDefinition | None = None
    root_urlconf: SettingDefinition | None = None
    middleware: SettingDefinition | None = None
    values: tuple[SettingValue, ...] = ()  # every upper-case setting of the project's own files

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", tuple(sorted(self.values, key=lambda v: v.name)))

    def value(self, name: str) -> SettingValue | None:
        return next((v for v in self.values if v.name == name), None)

    def known(self, name: str) -> object:
        """The evaluated value of ``name``; None when it is opaque or not set."""
        found = self.value(name)
        return None if found is None or found.opaque else found.value


@dataclass(frozen=True)
class ProjectGraph:
    """Everything ``analyze`` learnt about a project; written as ``graph.json``."""

    settings_module: str
    apps: tuple[App, ...]
    models: tuple[Model, ...]
    dependencies: tuple[Dependency, ...]
    urls: tuple[UrlRoute, ...] = ()
    write_scopes: tuple[WriteScope, ...] = ()
    warnings: tuple[Diagnostic, ...] = ()
    settings: SettingsFacts | None = None  # None only in a graph of schema version 1
    schema_version: int = field(default=GRAPH_SCHEMA_VERSION)

    def __post_init__(self) -> None:
        sort = object.__setattr__
        sort(self, "apps", tuple(sorted(self.apps, key=lambda a: a.label)))
        sort(self, "models", tuple(sorted(self.models, key=lambda m: m.label)))
        sort(self, "dependencies", tuple(sorted(
            self.dependencies, key=lambda d: (d.source, d.target, d.kind))))
        sort(self, "urls", tuple(sorted(self.urls, key=lambda u: (u.prefix, u.regex,
                                                                   u.name or "", u.view or ""))))
        sort(self, "write_scopes", tuple(sorted(self.write_scopes,
                                                key=lambda w: (w.location, w.kind, w.name))))
        sort(self, "warnings", tuple(sorted(self.warnings, key=lambda d: (
            str(d.location or ""), d.code, d.message))))

    def app(self, label: str) -> App | None:
        return next((a for a in self.apps if a.label == label), None)

    def model(self, label: str) -> Model | None:
        return next((m for m in self.models if m.label == label), None)

    @property
    def own_apps(self) -> tuple[App, ...]:
        return tuple(a for a in self.apps if not a.external)

    @property
    def user_models(self) -> tuple[Model, ...]:
        """Concrete own models built on auth's user bases: the project's custom user model."""
        return tuple(m for m in self.models if not m.abstract and not m.proxy
                     and USER_MODEL_BASES.intersection(m.parents))


def upgrade_graph(data: dict[str, Any]) -> dict[str, Any]:
    """A graph.json of schema version 1 in the current shape: it has no ``settings``, and the
    extractor, which needs them, asks for a new analysis."""
    if data.get("schema_version") == 1:
        return {**data, "schema_version": GRAPH_SCHEMA_VERSION, "settings": None}
    return data
