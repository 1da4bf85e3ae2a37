"""What every extraction codemod shares: the boundary it cuts along, reports, a registry.

A codemod is a libcst ``VisitorBasedCodemodCommand`` that knows the ``Boundary`` (which models
moved, which relations became id columns, which names now come from the monolith) and records
each change as a ``Rewrite`` at the line of its input. Modules register their class with
``@register`` where it is defined; ``registered()`` imports them all.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import libcst as cst
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import PositionProvider

from decompose.model import Handling, Level, Location, MirrorModule, MirrorName, Rewrite
from decompose.modules import absolute_module
from decompose.registry import Registry
from decompose_runtime.names import RuntimeName

_REGISTRY: Registry[type[ExtractionCodemod]] = Registry("extractor.codemods")


@dataclass(frozen=True)
class ThroughTable:
    """The table Django created for a many-to-many to a model that stays, kept by the service
    as an explicit through model whose key to that model is an id column."""

    name: str  # the class Django names it, "Bug_executions"
    db_table: str  # "bugs_bug_executions"
    source: str  # its foreign key to the moved model, "bug" (column "bug_id")
    column: str  # its id column of the target, "testexecution_id"


@dataclass(frozen=True)
class ReplacedRelation:
    """A relation field of a moved model whose target stays in the monolith."""

    model: str  # "orders.OrderLine"
    field: str  # "product"
    target: str  # "catalog.Product"
    column_type: str  # the key's column: "IntegerField", "UUIDField", "CharField"...
    column_args: str = ""  # what that column needs besides, "max_length=255"
    through: ThroughTable | None = None  # a many-to-many's pairs

    @property
    def many(self) -> bool:
        return self.through is not None

    @property
    def pairs_query_name(self) -> str:
        """The query name of the pairs' key to the moved model, ``executions_pairs``: not the
        field's own name, so a lookup left unrewritten fails instead of matching pair ids."""
        return f"{self.field}_pairs"

    @property
    def lookup(self) -> str:
        """Where a query finds the target's key: ``product_id``, or through the pairs
        ``executions_pairs__testexecution_id``."""
        if self.through is None:
            return f"{self.field}_id"
        return f"{self.pairs_query_name}__{self.through.column}"


@dataclass(frozen=True)
class RemoteAccessor:
    """A reverse relation a model that stays in the monolith adds to a moved one
    (``order.shipments`` from ``shipping.Shipment.order``): the service asks the monolith."""

    model: str  # the moved model, "orders.Order"
    name: str  # "shipments"
    source: str  # the monolith model holding the key, "shipping.Shipment"
    field: str  # its relation field, "order"
    one: bool = False  # a one-to-one: one row, not a queryset


@dataclass(frozen=True)
class ReverseKey:
    """The name a model that stays looks a moved model's key to it up by (``userspace`` of
    ``cookbook.UserSpace.user``): an id column in the service, so no join the target's
    queries can make any more."""

    name: str  # its query name, "userspace"
    model: str  # the moved model, "cookbook.UserSpace"
    column: str  # its id column, "user_id"
    target: str  # the model that stays, "auth.User"


@dataclass(frozen=True)
class RemoteGeneric:
    """A ``GenericRelation`` of a moved model to a model that stays (taiga's
    ``WikiPage.attachments``): the monolith's rows whose generic key points at the instance."""

    model: str  # the moved model (or its abstract base) declaring it, "wiki.WikiPage"
    field: str  # "attachments"
    target: str  # "attachments.Attachment"


@dataclass(frozen=True)
class MovedModel:
    label: str
    module: str  # where the class is defined
    db_table: str
    abstract: bool
    # (field or reverse accessor name, target label) for traversals between moved models
    hops: tuple[tuple[str, str], ...] = ()

    @property
    def name(self) -> str:
        return self.label.partition(".")[2]


@dataclass(frozen=True)
class Boundary:
    """The cut between the service and the monolith, as the codemods need to see it."""

    models: tuple[MovedModel, ...]
    replaced: tuple[ReplacedRelation, ...]
    mirrors: tuple[MirrorModule, ...]  # monolith modules the service reaches remotely
    lost_accessors: frozenset[str] = field(default_factory=frozenset)  # reverse names from
    # models that stay that the service cannot offer (many-to-manys)
    remote_accessors: tuple[RemoteAccessor, ...] = ()  # those it asks the monolith for
    # External apps (``django.contrib.auth``): installed in the service too, so the moved
    # code's imports of them stay real; their mirrors only back replaced relations.
    installed: frozenset[str] = field(default_factory=frozenset)
    # The monolith's AUTH_USER_MODEL when the service reaches it remotely (its app stays and
    # is the project's): what the moved code's get_user_model() stands for; "" otherwise.
    user_model: str = ""
    # Admin inline classes whose model stays (dotted names): the service's admin leaves them out.
    remote_inlines: frozenset[str] = field(default_factory=frozenset)
    remote_generics: tuple[RemoteGeneric, ...] = ()
    # The monolith has no DRF: the moved code's ModelSerializers are those of its own fork.
    drf_fork: bool = False
    # (monolith model, path) of the joins its bridge runs for the moved code (plan/joins.py):
    # ("projects.Project", "memberships__user")
    joins: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    # The query names models that stay had for the moved models' keys now id columns.
    reverse_keys: tuple[ReverseKey, ...] = ()

    def replaced_on(self, model: str) -> dict[str, ReplacedRelation]:
        return {r.field: r for r in self.replaced if r.model == model}

    def hop(self, labels: Collection[str], name: str) -> set[str]:
        """The moved models a relation (or reverse one) named ``name`` of those ``labels``
        leads to: one step of a lookup's path between moved models."""
        return {target for model in self.models if model.label in labels
                for hop, target in model.hops if hop == name}

    @property
    def replaced_names(self) -> frozenset[str]:
        return frozenset(r.field for r in self.replaced)

    def mirror_of(self, module: str) -> MirrorModule | None:
        """The mirror the moved code's imports of ``module`` read (none for an installed app's
        module: ``from django.contrib.auth.models import Group`` is the real model, on the
        shared database, as Django's own code in the service sees it)."""
        if any(module == app or module.startswith(f"{app}.") for app in self.installed):
            return None
        return next((m for m in self.mirrors if m.module == module), None)

    def mirror_name(self, module: str, name: str) -> MirrorName | None:
        """How the mirror the moved code reads provides ``module.name``, if it does."""
        mirror = self.mirror_of(module)
        return next((n for n in mirror.names if n.name == name), None) if mirror else None

    def remote_kind(self, module: str, name: str) -> Handling | None:
        found = self.mirror_name(module, name)
        return found.handling if found else None


def admin_module(module: str) -> bool:
    """``orders.admin`` or ``orders.admin.forms``: where admin_options owns the declarations."""
    return ".admin." in f".{module}."


class ExtractionCodemod(VisitorBasedCodemodCommand):
    """Base: holds the boundary and the file, and collects ``Rewrite`` reports."""

    NAME = ""
    ORDER = 50  # lower runs first; import rewrites run last so others see the original names
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, context: CodemodContext, boundary: Boundary, path: str, module: str):
        super().__init__(context)
        self.boundary = boundary
        self.path = path
        self.module_name = module
        self.reports: list[Rewrite] = []

    @classmethod
    def applies(cls, source: str, module: str, boundary: Boundary) -> bool:
        """A cheap pre-check: False only when the file cannot hold anything this codemod
        rewrites (creating a libcst transformer per file and codemod costs ~15 ms)."""
        return True

    @property
    def package(self) -> str:
        """The package this file's relative imports start from."""
        return (self.module_name if self.path.endswith("__init__.py")
                else self.module_name.rpartition(".")[0])

    def moved_model(self, class_name: str) -> MovedModel | None:
        """The moved model a class of this module defines, if it is one."""
        return next((m for m in self.boundary.models
                     if m.name == class_name and m.module == self.module_name), None)

    def import_runtime(self, name: RuntimeName) -> None:
        """``from <runtime module> import <name>`` in the rewritten file."""
        AddImportsVisitor.add_needed_import(self.context, name.module, name.name)

    def report(self, node: cst.CSTNode, message: str, level: Level = Level.INFO) -> None:
        line = self.get_metadata(PositionProvider, node).start.line
        self.reports.append(Rewrite(Location(self.path, line), self.NAME, message, level))


def register(cls: type[ExtractionCodemod]) -> type[ExtractionCodemod]:
    """Class decorator: make a codemod part of every extraction run."""
    return _REGISTRY.add(cls.NAME, cls)


def registered() -> list[type[ExtractionCodemod]]:
    """Every codemod of the package, in the order they run."""
    return sorted(_REGISTRY.units().values(), key=lambda c: (c.ORDER, c.NAME))


# --- small libcst helpers shared by the codemods -------------------------------------------

def dotted(node: cst.BaseExpression) -> str:
    """``models.ForeignKey`` -> "models.ForeignKey"; anything else -> ""."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        inner = dotted(node.value)
        return f"{inner}.{node.attr.value}" if inner else ""
    return ""


def assigned_name(statement: cst.CSTNode) -> str | None:
    """The name a one-statement line assigns (``x = ...``, ``x: T = ...``), if one."""
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        assign = statement.body[0]
        if isinstance(assign, cst.Assign | cst.AnnAssign):
            target = assign.targets[0].target if isinstance(assign, cst.Assign) else assign.target
            return target.value if isinstance(target, cst.Name) else None
    return None


def string_value(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def chain_root(node: cst.BaseExpression) -> str:
    """The name a call chain starts from: ``Order.objects.filter(...).first`` -> "Order"."""
    while True:
        if isinstance(node, cst.Call):
            node = node.func
        elif isinstance(node, cst.Attribute | cst.Subscript):
            node = node.value
        else:
            return node.value if isinstance(node, cst.Name) else ""


def comment_line(text: str) -> cst.EmptyLine:
    return cst.EmptyLine(comment=cst.Comment(f"# decompose: {text}"))


def remote_imports(tree: cst.Module, boundary: Boundary, package: str = ""
                   ) -> dict[str, tuple[str, Handling]]:
    """Local names bound by ``from <monolith module> import X`` anywhere in the file, with
    the dotted name they stand for and how the mirror provides them; with the file's
    ``package``, relative imports too (a carried module's ``from . import models``), and for a
    module imported whole, its mirrored names as ``models.Attachment``."""
    found: dict[str, tuple[str, Handling]] = {}

    class Collect(cst.CSTVisitor):
        def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
            if isinstance(node.names, cst.ImportStar) or (node.relative and not package):
                return
            written = dotted(node.module) if node.module else None
            module = (absolute_module(package, written, len(node.relative)) if node.relative
                      else written or "")
            for alias in node.names:
                name = dotted(alias.name)
                local = dotted(alias.asname.name) if alias.asname else name
                kind = boundary.remote_kind(module, name)
                if kind is not None:
                    found[local] = (f"{module}.{name}", kind)
                whole = boundary.mirror_of(f"{module}.{name}")
                for mirrored in whole.names if whole else ():
                    found[f"{local}.{mirrored.name}"] = (f"{module}.{name}.{mirrored.name}",
                                                         mirrored.handling)

    tree.visit(Collect())
    return found
