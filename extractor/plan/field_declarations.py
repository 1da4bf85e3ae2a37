"""The Django field each field the bridge sends is declared as, so a remote model has a
``_meta`` that FilterSets, ModelSerializers and ModelForms can be built from.

Read statically from the monolith's model classes (and their abstract bases): the Django field
class; a class of a package the monolith installs by its import path
(``i18nfield.fields.I18nCharField``: the service installs the package, its rows' values are of
the monolith's class), with its literal options, when all but Django's common ones (a
``help_text`` built by a call, left out) are literals; any other class as the
built-in one it is named after (``DateField`` of the project's own module) or else the one of
its OpenAPI type, noted when it is a package's; the options given as literals (``max_length=200``,
``blank=True``, ``verbose_name=_("Title")``), and ``choices=Variant.choices`` of a Django
``TextChoices``/``IntegerChoices`` class whose members are literals (pretalx's
``QuestionVariant``); for a foreign key or a many-to-many, the model it points at.
"""

from __future__ import annotations

import ast
import pprint
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from decompose.model import (
    AllowedModel,
    Level,
    Location,
    Model,
    ProjectGraph,
    RelationKind,
    Rewrite,
)
from decompose.modules import absolute_module
from extractor.plan.field_types import field_types
from extractor.plan.names import full_name
from extractor.plan.scope import Scope
from extractor.plan.source import Source

# Django's concrete field classes a remote model's field may be built as.
DJANGO_FIELDS = frozenset({
    "AutoField", "BigAutoField", "SmallAutoField", "BigIntegerField", "BinaryField",
    "BooleanField", "CharField", "DateField", "DateTimeField", "DecimalField", "DurationField",
    "EmailField", "FileField", "FilePathField", "FloatField", "GenericIPAddressField",
    "ImageField", "IntegerField", "JSONField", "PositiveBigIntegerField",
    "PositiveIntegerField", "PositiveSmallIntegerField", "SlugField", "SmallIntegerField",
    "TextField", "TimeField", "URLField", "UUIDField"})
BY_OPENAPI_TYPE = {"INT": "IntegerField", "FLOAT": "FloatField", "DECIMAL": "DecimalField",
                   "BOOL": "BooleanField", "DATETIME": "DateTimeField", "DATE": "DateField",
                   "TIME": "TimeField", "DURATION": "DurationField", "UUID": "UUIDField",
                   "EMAIL": "EmailField", "URI": "URLField", "ANY": "JSONField",
                   "STR": "TextField"}
# Options every Django field takes, and those only some classes take.
COMMON_OPTIONS = frozenset({"null", "blank", "unique", "primary_key", "max_length", "editable",
                            "choices", "default", "verbose_name", "help_text"})
CLASS_OPTIONS = {"auto_now": ("DateField", "DateTimeField", "TimeField"),
                 "auto_now_add": ("DateField", "DateTimeField", "TimeField"),
                 "max_digits": ("DecimalField",), "decimal_places": ("DecimalField",)}
TRANSLATED = frozenset({"_", "gettext", "gettext_lazy", "pgettext_lazy", "ugettext_lazy"})
KEYS = (RelationKind.FOREIGN_KEY, RelationKind.ONE_TO_ONE)

Declared = tuple[str, str, str]  # field name, Django class, options as a Python literal
# The options' width: what the service's line length (100) leaves them, indented 12.
OPTIONS_WIDTH = 88


@dataclass(frozen=True)
class Declarations:
    """The fields of the remote models, and why a package's field class is not kept."""

    fields: tuple[tuple[str, tuple[Declared, ...]], ...]
    notes: tuple[Rewrite, ...]

    def modules(self) -> frozenset[str]:
        """The modules of the packages' field classes declared: the service imports them."""
        return frozenset(klass.rpartition(".")[0] for _, found in self.fields
                         for _, klass, _ in found if "." in klass)


def declarations(scope: Scope, graph: ProjectGraph, allowed: tuple[AllowedModel, ...],
                 installable: Callable[[str], bool]) -> Declarations:
    """``declared_fields`` of each model ``allowed``, read in ``graph`` (the project's with
    the installed models listed); ``installable`` tells a module of a package the monolith
    installs (the service can install it too)."""
    notes: list[Rewrite] = []
    fields = tuple((m.label, declared_fields(scope, graph, m, installable, notes))
                   for m in allowed)
    return Declarations(fields, tuple(notes))


def declared_fields(scope: Scope, graph: ProjectGraph, allowed: AllowedModel,
                    installable: Callable[[str], bool], notes: list[Rewrite]
                    ) -> tuple[Declared, ...]:
    """(name, Django class, options) for each field ``allowed`` exposes, a key by its
    relation's name with ``to`` its target (a many-to-many too); a package's class kept as
    written is by its import path, one that cannot be is noted in ``notes``."""
    source = scope.source
    model = graph.model(allowed.label)
    if model is None:
        return ()
    calls: dict[str, tuple[ast.Call, str]] = {}
    for name, call, path in _declarations(graph, source, model):
        calls.setdefault(name, (call, path))
    relations = {r.field: r for r in model.relations if r.kind in KEYS}
    many = {r.field: r for r in model.relations if r.kind == RelationKind.MANY_TO_MANY}
    declared = {f.name: f for f in model.fields}
    found = []
    for name, kind in field_types(graph, allowed):
        relation = relations.get(name.removesuffix("_id")) if name.endswith("_id") else (
            many.get(name))
        field = declared.get(relation.field if relation else name)
        if field is None:
            continue
        declaration = calls.get(field.name)
        options = _options(declaration[0] if declaration else None,
                           positional=relation is None)
        if declaration is not None and "choices" not in options:
            options.update(_enum_choices(source, declaration[1], declaration[0]))
        options.update({key: True for key in ("null", "unique", "primary_key")
                        if getattr(field, key)})
        if relation is not None:
            if relation.target is None:
                continue
            klass = str(relation.kind)
            options = {k: v for k, v in options.items() if k in COMMON_OPTIONS}
            options["to"] = relation.target
        else:
            klass = _package_class(scope, declaration, installable, notes, model.label,
                                   field.name) or _django_class(field.type, kind)
            options = {k: v for k, v in options.items() if k in COMMON_OPTIONS
                       or klass in CLASS_OPTIONS.get(k, ()) or "." in klass}
        found.append((field.name, klass, pprint.pformat(options, width=OPTIONS_WIDTH)))
    return tuple(found)


def _package_class(scope: Scope, declaration: tuple[ast.Call, str] | None,
                   installable: Callable[[str], bool], notes: list[Rewrite], label: str,
                   name: str) -> str | None:
    """The import path of a field class of a package the monolith installs (not Django's),
    when every option of its own it is given is a literal, so the service builds it as the
    monolith does (Django's common options describe, and may be left out); None for any
    other class (noted for a package's: its values are its text here)."""
    if declaration is None:
        return None
    call, path = declaration
    written = full_name(scope, path, call.func)
    module = written.rpartition(".")[0] if written else ""
    if module.partition(".")[0] in ("django", "") or scope.source.path_of(module) or (
            not installable(module)):
        return None
    literal = _options(call, positional=True)
    if len(call.args) <= 1 and all(k.arg in COMMON_OPTIONS or k.arg in literal
                                   for k in call.keywords):
        return written
    notes.append(Rewrite(Location(path, call.lineno), "plan", (
        f"{label}.{name} is a {written}, declared in the service as the Django field it "
        "is named after, since not all its own options are literals: its values are the "
        "field's text there, not the monolith's class"), Level.WARNING))
    return None


def _django_class(written: str, kind: str) -> str:
    name = written.rpartition(".")[2]
    if name in DJANGO_FIELDS:
        return name
    named_after = sorted((d for d in DJANGO_FIELDS if name.endswith(d)), key=len)
    return named_after[-1] if named_after else BY_OPENAPI_TYPE.get(kind, "TextField")


def _declarations(graph: ProjectGraph, source: Source, model: Model
                  ) -> Iterator[tuple[str, ast.Call, str]]:
    """``name = Field(...)`` of the model's class, then of its bases (the nearest wins), with
    the file declaring it."""
    seen: set[str] = set()
    pending = [model]
    while pending:
        current = pending.pop(0)
        if current.label in seen:
            continue
        seen.add(current.label)
        node = source.class_def(current.location.path, current.name)
        for statement in node.body if node else ():
            if (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                    and isinstance(statement.targets[0], ast.Name)
                    and isinstance(statement.value, ast.Call)):
                yield statement.targets[0].id, statement.value, current.location.path
        pending += [p for p in map(graph.model, current.parents) if p is not None]


def _options(call: ast.Call | None, positional: bool) -> dict[str, object]:
    """The call's keywords whose values are literals (a translated literal as its text), and
    its first positional argument as ``verbose_name`` (``positional``: no key's target)."""
    given = [(k.arg, k.value) for k in call.keywords if k.arg] if call else []
    if call and call.args and positional:
        given.insert(0, ("verbose_name", call.args[0]))
    found: dict[str, object] = {}
    for key, value in given:
        if (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
                and value.func.id in TRANSLATED and len(value.args) == 1):
            value = value.args[0]
        try:
            found[key] = ast.literal_eval(value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            continue
    if not isinstance(found.get("choices", ()), list | tuple):
        del found["choices"]
    if not isinstance(found.get("verbose_name", ""), str):
        del found["verbose_name"]
    return found


def _enum_choices(source: Source, path: str, call: ast.Call) -> dict[str, object]:
    """``choices=Variant.choices``, ``Variant`` a Django choices class defined or imported by
    name in ``path`` whose members are ``NAME = value, _("Label")`` (or ``NAME = value``,
    labelled as Django labels it): {"choices": [(value, label), ...]}; {} otherwise."""
    given = next((k.value for k in call.keywords if k.arg == "choices"), None)
    if not (isinstance(given, ast.Attribute) and given.attr == "choices"
            and isinstance(given.value, ast.Name)):
        return {}
    found = _class_named(source, path, given.value.id)
    if found is None or not any(ast.unparse(b).endswith("Choices") for b in found.bases):
        return {}
    pairs = []
    for statement in found.body:
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)
                and statement.targets[0].id.isupper()):
            continue
        value = statement.value
        parts = value.elts if isinstance(value, ast.Tuple) else [value]
        label = _text(parts[-1]) if len(parts) == 2 else (
            statement.targets[0].id.replace("_", " ").title())
        try:
            pairs.append((ast.literal_eval(parts[0]), label))
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return {}
        if label is None:
            return {}
    return {"choices": pairs} if pairs else {}


def _class_named(source: Source, path: str, name: str, depth: int = 0) -> ast.ClassDef | None:
    """The class ``name`` defined in the file ``path``, or imported there by name from a
    module of the project."""
    tree = source.tree(path)
    for node in tree.body if tree and depth < 3 else ():
        if isinstance(node, ast.ClassDef) and node.name == name:
            return node
        if isinstance(node, ast.ImportFrom) and any(
                (a.asname or a.name) == name for a in node.names):
            original = next(a.name for a in node.names if (a.asname or a.name) == name)
            module = source.module_of(path)
            package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
            found = source.path_of(absolute_module(package, node.module, node.level))
            return _class_named(source, found, original, depth + 1) if found else None
    return None


def _text(node: ast.expr) -> str | None:
    """A label: a literal, or a translated one (its last argument: ``pgettext_lazy(ctx, t)``)."""
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id in TRANSLATED | {"pgettext", "npgettext_lazy"} and node.args):
        node = node.args[-1]
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
