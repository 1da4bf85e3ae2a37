"""The extraction plan: what moved into a service, what was cut and how (``extraction.json``).

The extractor writes it next to the generated service; the strangler reads the URL prefixes and
the service name from it, and humans read the error-level items before shipping.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from decompose.model.graph import Location

EXTRACTION_SCHEMA_VERSION = 1


class Handling(enum.StrEnum):
    """How one dependency of the moved code on the rest of the monolith is kept working."""

    ID_COLUMN = "id-column"  # a relation out of the service: plain id column + RemoteRelation
    REMOTE_MODEL = "remote-model"  # a foreign model reached through the monolith's bridge
    REMOTE_FUNCTION = "remote-function"  # a foreign function called through the bridge
    REMOTE_EXCEPTION = "remote-exception"  # a foreign exception class raised from bridge answers
    # a foreign function that only returns a model (taiga's get_user_model_safe()): answered in
    # the service with that model's remote model, its calls in moved code written as the model
    MODEL_GETTER = "model-getter"
    KERNEL = "kernel"  # model-free / abstract-only module copied under the same module path
    # a module of a staying app that defines no concrete model, copied under the same module
    # path for a class the moved code needs (a mixin), its own imports pointed at the mirrors
    CARRIED = "carried"
    CONSTANT = "constant"  # a literal module constant, copied into the mirror module
    # a custom Signal() of a staying module: the mirror's copy is a stand-in whose sends are
    # forwarded to the monolith's real signal as events
    SIGNAL = "signal"
    ERROR = "error"  # no safe rewrite: a human must decide


class Level(enum.StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, order=True)
class FileCopy:
    """A monolith file copied into the service (``kind`` "app", "kernel", "carried" (its
    imports of staying apps pointed at the mirrors), "test": a moved
    app's own test module, or "template": a monolith template the moved pages extend or
    include, into the service's templates/)."""

    source: str  # relative to the monolith root
    target: str  # relative to the service root
    kind: str


@dataclass(frozen=True, order=True)
class Rewrite:
    """One change a codemod made (or refused to make) at a place in the moved code."""

    location: Location  # in the monolith's source, before the change
    codemod: str
    message: str
    level: Level = Level.INFO


@dataclass(frozen=True, order=True)
class CrossDependency:
    """A name the moved code uses from an app that stays, and how it is handled."""

    location: Location
    target: str  # dotted name ("catalog.models.Product") or relation ("orders.Order.user")
    handling: Handling
    note: str = ""


@dataclass(frozen=True, order=True)
class InboundCoupling:
    """Monolith code that uses the moved apps: works on the shared database, blocks a split."""

    location: Location
    app: str  # the app that stays
    kind: str  # a DependencyKind value
    target_app: str  # the moved app it depends on
    level: Level = Level.WARNING
    note: str = ""


@dataclass(frozen=True, order=True)
class SplitTransaction:
    """A transaction that used to be one and now spans the service and the monolith."""

    location: Location
    name: str
    note: str


@dataclass(frozen=True, order=True)
class CopiedImport:
    """An import a copied constant needs: ``from module import name as alias`` (``name``
    empty: ``import module``; ``alias`` empty: none)."""

    module: str
    name: str = ""
    alias: str = ""


@dataclass(frozen=True, order=True)
class CopiedStatement:
    """A module-level assignment copied as written, at its line in the monolith's module."""

    line: int
    source: str


@dataclass(frozen=True, order=True)
class MirrorName:
    """A name of a monolith module as the service's ``monolith`` mirror package provides it."""

    name: str
    handling: Handling  # REMOTE_* or MODEL_GETTER (a stand-in), KERNEL or CARRIED (re-exported
    # from the service's copy), CONSTANT (its definition copied) or SIGNAL (a stand-in Signal)
    target: str  # model label ("catalog.Product", a MODEL_GETTER's model) or dotted name
    # ("inventory.services.x")
    # a CONSTANT's or SIGNAL's assignment and those of the module's constants it reads, and
    # their imports (none for a SIGNAL re-exported from its defining module's mirror)
    statements: tuple[CopiedStatement, ...] = ()
    imports: tuple[CopiedImport, ...] = ()


@dataclass(frozen=True, order=True)
class MirrorModule:
    module: str  # the monolith module mirrored, e.g. "catalog.models"
    names: tuple[MirrorName, ...]


@dataclass(frozen=True, order=True)
class Mount:
    """How the service's URLconf includes a moved urlconf (Django ``path()`` prefix)."""

    prefix: str
    urlconf: str


@dataclass(frozen=True, order=True)
class KeptRoute:
    """A URL prefix of a moved app that stays served by the monolith, and why."""

    prefix: str  # public path, "/orders/"
    urlconf: str
    reason: str


@dataclass(frozen=True, order=True)
class AllowedModel:
    """A monolith model the service reaches through the bridge, and what it may touch."""

    label: str
    fields: tuple[str, ...]
    methods: tuple[str, ...] = ()
    chains: tuple[str, ...] = ()  # custom manager/queryset methods (``active``)


@dataclass(frozen=True, order=True)
class SignalReceiver:
    """A receiver a forwarded signal serves; ``relies_on`` says how it depended on running
    inside the sender's transaction ("" when it did not), a decision for a human."""

    location: Location
    name: str  # dotted path of the receiver function
    relies_on: str = ""
    relies_at: Location | None = None


@dataclass(frozen=True, order=True)
class ForwardedSignal:
    """A signal sent on one side whose receivers live on the other: it crosses as an event."""

    signal: str  # dotted path of the Signal object
    sender: str  # model label, "" for any sender
    consumer: str  # the side whose receivers run: "monolith" or the service's name
    receivers: tuple[SignalReceiver, ...] = ()
    # the service's stand-in for a signal of an app that stays (its mirror's), "" if none
    stand_in: str = ""


@dataclass(frozen=True, order=True)
class UnforwardedReceiver:
    """A receiver on one side whose signal may come from the other but cannot be forwarded
    (its sender is computed at run time, it listens to every model, its line cannot be read):
    it will not fire for what the other side does. ``reason`` says why, for humans."""

    location: Location
    reason: str


@dataclass(frozen=True, order=True)
class RequestState:
    """A MIDDLEWARE entry of the project's own that stays with the monolith and sets request
    attributes the moved code reads (pretalx's ``EventMiddleware``: ``request.event``). The
    service asks the bridge to run it for each request, one call more per request, and sets
    them (decompose_remote.request_state). ``location``: the entry's class; ``read_at``: where
    the moved code first reads one of ``attributes``."""

    middleware: str
    attributes: tuple[str, ...]
    location: Location
    read_at: Location


@dataclass(frozen=True, order=True)
class EnvironmentSetting:
    """A setting of the monolith the service reads from an environment variable: whoever
    deploys the service (and the corpus benchmark) gives it the monolith's value, written as
    the service's ``reader`` parses it (django-environ: ``env`` the text as it is,
    ``env.list`` comma-separated texts, ``env.json`` JSON, ``env.bool`` true/false, ``env.int``,
    ``env.float``). ``required``: the service refuses to start without it; else ``default``
    is the monolith's default (Python source). ``expression`` is what the monolith computes
    at ``origin`` (``path:line``; "" for a value that looks like a secret)."""

    variable: str
    setting: str
    required: bool
    reader: str
    expression: str
    origin: str
    default: str = ""


@dataclass(frozen=True)
class ExtractionPlan:
    """Everything ``decompose extract`` decided; written as ``extraction.json``."""

    service: str
    apps: tuple[str, ...]
    routes: tuple[str, ...]  # public URL prefixes the proxy sends to the service
    mounts: tuple[Mount, ...]
    files: tuple[FileCopy, ...]
    rewrites: tuple[Rewrite, ...]
    dependencies: tuple[CrossDependency, ...]
    inbound: tuple[InboundCoupling, ...]
    transactions: tuple[SplitTransaction, ...]
    mirrors: tuple[MirrorModule, ...]
    allowed_functions: tuple[str, ...] = ()
    allowed_models: tuple[AllowedModel, ...] = ()
    third_party_apps: tuple[str, ...] = ()
    requirements: tuple[str, ...] = ()  # pip requirements of the third-party apps
    rest_framework: tuple[tuple[str, str], ...] = ()  # setting name, Python source of the value
    monolith_settings: str = ""  # module of INSTALLED_APPS the patch edits
    monolith_urlconf: str = ""
    # Moved apps' URL prefixes NOT routed to the service (server-rendered pages).
    kept_routes: tuple[KeptRoute, ...] = ()
    # Signals forwarded as events through the outbox and RabbitMQ (decompose_runtime.events).
    signals: tuple[ForwardedSignal, ...] = ()
    # Receivers that may listen across the cut but cannot be forwarded (route refuses writes).
    unforwarded: tuple[UnforwardedReceiver, ...] = ()
    # The monolith's settings the service reads from the environment (its deployment sets them).
    environment_settings: tuple[EnvironmentSetting, ...] = ()
    # Prefixes of ``routes`` the service serves only below: its URLconf routes neither the
    # prefix itself nor it without its slash (a router registration whose viewset has no list
    # route, taiga's ``issues/custom-attributes-values``), while the monolith may (another
    # viewset's detail route, ``issues/<pk>``). The proxy leaves those two paths where they were.
    children_only_routes: tuple[str, ...] = ()
    # The monolith's own middleware the bridge runs for each of the service's requests, in
    # the monolith's order: the request state the moved code reads.
    request_state: tuple[RequestState, ...] = ()
    schema_version: int = field(default=EXTRACTION_SCHEMA_VERSION)

    def __post_init__(self) -> None:
        put = object.__setattr__
        put(self, "apps", tuple(sorted(set(self.apps))))
        put(self, "routes", tuple(sorted(set(self.routes))))
        put(self, "mounts", tuple(sorted(set(self.mounts))))
        for name in ("files", "rewrites", "dependencies", "inbound", "transactions", "mirrors",
                     "allowed_functions", "allowed_models", "requirements", "kept_routes",
                     "signals", "unforwarded", "environment_settings",
                     "children_only_routes"):
            put(self, name, tuple(sorted(set(getattr(self, name)))))
        put(self, "third_party_apps", tuple(sorted(set(self.third_party_apps))))

    @property
    def errors(self) -> tuple[str, ...]:
        """Every error-level item as ``path:line: message``, for humans and exit codes."""
        found = [f"{r.location}: {r.message}" for r in self.rewrites if r.level == Level.ERROR]
        found += [f"{d.location}: {d.target}: {d.note}" for d in self.dependencies
                  if d.handling == Handling.ERROR]
        found += [f"{t.location}: {t.name}: {t.note}" for t in self.transactions]
        found += [f"{u.location}: SIGNAL RECEIVER not forwarded ({u.reason}): will NOT fire "
                  "for what the other side does" for u in self.unforwarded]
        found += [f"{r.relies_at or r.location}: {r.name} now runs after the sender's commit, in "
                  f"the {s.consumer} consumer: it {r.relies_on}"
                  for s in self.signals for r in s.receivers if r.relies_on]
        return tuple(sorted(set(found)))

    @property
    def unwired_receivers(self) -> tuple[Location, ...]:
        """Receivers on either side that may listen across the cut but no forwarded signal
        serves."""
        return tuple(sorted({u.location for u in self.unforwarded}))
