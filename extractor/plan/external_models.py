"""A model outside the project (``auth.User``, a third-party app's model), read statically
from its installed source, the way the analyzer reads the project's own.

graph.json carries external apps (label, dotted name, installed folder) but not their models.
An id column that replaces a relation to one needs the key's real type: the field declared
``primary_key=True`` on the class or its bases, else the implicit ``id`` of the app's
``default_auto_field`` (``django.contrib.auth`` says ``AutoField``), else the project's
``DEFAULT_AUTO_FIELD``. The bridge's allowlist needs its fields (``external_model``) when the
moved code reads its rows (``auth.Group`` through ``UserSpace.groups``). The installed code is
parsed, never imported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path

from decompose.model import App, Field, Location, Model, Relation, RelationKind
from decompose.modules import ModuleIndex, absolute_module
from extractor.plan.environment import parse_installed

DJANGO_DEFAULT_AUTO_FIELD = "django.db.models.AutoField"


@dataclass(frozen=True)
class ExternalKey:
    """``field_type`` is the key's field class name (``AutoField``), ``column`` its column."""

    field_type: str
    column: str


def external_key(app: App, model_name: str, project_default: str | None
                 ) -> ExternalKey | None:
    """The key of ``<app.label>.<model_name>``; None when its source cannot be found."""
    if not app.path:
        return None
    folder = Path(app.path)
    root = folder.parents[len(app.name.split(".")) - 1]
    reader = _Reader(root)
    found = reader.find_class(f"{app.name}.models", model_name)
    if found is None:
        return None
    declared = reader.declared_key(*found, seen=set())
    if declared is not None:
        return declared
    auto = _app_default_auto_field(folder) or project_default or DJANGO_DEFAULT_AUTO_FIELD
    return ExternalKey(auto.rpartition(".")[2], "id")


@dataclass(frozen=True)
class ExternalModel:
    """An installed model as the graph would know it, and its public methods (its bases'
    too), which the bridge may run when the moved code calls them."""

    model: Model
    methods: frozenset[str]


def external_model(app: App, model_name: str, project_default: str | None
                   ) -> ExternalModel | None:
    """``<app.label>.<model_name>``: its key (declared, else the implicit ``id``) then the
    fields declared on its bases (depth first) and on it, the nearest declaration winning;
    a relation's target is a label (``"auth.Permission"``) when written as one or as a class
    of an app its package holds. None when its source cannot be found."""
    if not app.path:
        return None
    root = Path(app.path).parents[len(app.name.split(".")) - 1]
    reader = _Reader(root)
    found = reader.find_class(f"{app.name}.models", model_name)
    key = external_key(app, model_name, project_default)
    if found is None or key is None:
        return None
    members = _Members()
    reader.members(*found, app, members, seen=set())
    fields = [field for field, _ in members.fields.values()]
    if not any(f.primary_key for f in fields):
        fields.insert(0, Field("id", key.field_type, primary_key=True))
    location = Location(f"{found[0].replace('.', '/')}.py", found[1].lineno)
    return ExternalModel(Model(
        f"{app.label}.{model_name}", app.label, "", abstract=False, proxy=False,
        location=location, fields=tuple(fields),
        relations=tuple(relation for _, relation in members.fields.values() if relation)),
        frozenset(members.methods))


def installed_models(apps: Iterable[App], labels: Iterable[str], project_default: str | None
                     ) -> tuple[ExternalModel, ...]:
    """Those of ``labels`` that are models of the external ``apps``, read from their installed
    source (those it cannot find left out), in label order."""
    external = {app.label: app for app in apps if app.external}
    found = (external_model(external[label.partition(".")[0]], label.partition(".")[2],
                            project_default)
             for label in sorted(set(labels)) if label.partition(".")[0] in external)
    return tuple(model for model in found if model is not None)


@dataclass
class _Members:
    """What a class and its bases declare: fields by name (with their relation), methods."""

    fields: dict[str, tuple[Field, Relation | None]] = dataclass_field(default_factory=dict)
    methods: set[str] = dataclass_field(default_factory=set)


class _Reader:
    """Modules under one installed ``root`` (site-packages), parsed once each."""

    def __init__(self, root: Path):
        self.index = ModuleIndex(root, ())
        self.trees: dict[str, tuple[ast.Module, bool] | None] = {}

    def module(self, name: str) -> tuple[ast.Module, bool] | None:
        """The parsed module ``name`` and whether it is a package."""
        if name not in self.trees:
            found = self.index.find(name)
            tree = None if found is None else parse_installed(found.path)
            self.trees[name] = None if found is None or tree is None else (tree, found.is_package)
        return self.trees[name]

    def find_class(self, module: str, name: str, depth: int = 0
                   ) -> tuple[str, ast.ClassDef] | None:
        """The class ``name`` as ``module`` defines or imports it (``models/__init__``)."""
        parsed = self.module(module)
        if parsed is None or depth > 5:
            return None
        tree, package = parsed
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and node.name == name:
                return module, node
        for node in tree.body:
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if (alias.asname or alias.name) == name:
                        return self.find_class(absolute_module(
                            module if package else module.rpartition(".")[0], node.module,
                            node.level), alias.name, depth + 1)
        return None

    def declared_key(self, module: str, node: ast.ClassDef, seen: set[str]
                     ) -> ExternalKey | None:
        """The field declared ``primary_key=True`` on the class or, depth first, its bases."""
        seen.add(f"{module}.{node.name}")
        for statement in node.body:
            if (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                    and isinstance(statement.targets[0], ast.Name)
                    and isinstance(statement.value, ast.Call)):
                keywords = {k.arg: k.value for k in statement.value.keywords if k.arg}
                primary = keywords.get("primary_key")
                if isinstance(primary, ast.Constant) and primary.value is True:
                    column = keywords.get("db_column")
                    return ExternalKey(
                        _name_of(statement.value.func),
                        column.value if isinstance(column, ast.Constant)
                        and isinstance(column.value, str) else statement.targets[0].id)
        for base in node.bases:
            name = _name_of(base)
            found = self.find_class(module, name)
            if found is not None and f"{found[0]}.{found[1].name}" not in seen:
                key = self.declared_key(*found, seen=seen)
                if key is not None:
                    return key
        return None

    def members(self, module: str, node: ast.ClassDef, app: App, found: _Members,
                seen: set[str]) -> None:
        """Into ``found``: the members of the class's bases, then its own: fields (``name =
        models.XField(...)``, ``name = ForeignKey(...)``) each with its relation, and public
        methods."""
        seen.add(f"{module}.{node.name}")
        for base in node.bases:
            located = self.find_class(module, _name_of(base))
            if located is not None and f"{located[0]}.{located[1].name}" not in seen:
                self.members(*located, app, found, seen)
        found.methods |= {n.name for n in node.body if isinstance(n, ast.FunctionDef)
                          and not n.name.startswith("_")}
        for statement in node.body:
            if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                    and isinstance(statement.targets[0], ast.Name)
                    and isinstance(statement.value, ast.Call)):
                continue
            call, name = statement.value, statement.targets[0].id
            written = _name_of(call.func)
            if not written.endswith(("Field", "Key", "Relation")):
                continue
            keywords = {k.arg: k.value for k in call.keywords if k.arg}
            null, unique, primary_key = (isinstance(keywords.get(flag), ast.Constant)
                                         and getattr(keywords[flag], "value", None) is True
                                         for flag in ("null", "unique", "primary_key"))
            kind = next((k for k in RelationKind if written.endswith(k.value)), None)
            relation = Relation(name, ast.unparse(call.func), kind, self._target(
                module, call.args[0] if call.args else keywords.get("to"), app),
                Location(f"{module.replace('.', '/')}.py", statement.lineno)) if kind else None
            found.fields.pop(name, None)
            found.fields[name] = (Field(name, ast.unparse(call.func), null, unique, primary_key),
                                  relation)

    def _target(self, module: str, node: ast.expr | None, app: App) -> str | None:
        """A relation's target as a label: ``"auth.Permission"`` as written, or the class a
        name finds, in the app whose package holds its module (``app`` when its own)."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value if "." in node.value else f"{app.label}.{node.value}"
        located = self.find_class(module, _name_of(node)) if node is not None else None
        if located is None:
            return None
        package = located[0].rpartition(".models")[0] or located[0].rpartition(".")[0]
        label = app.label if package == app.name else package.rpartition(".")[2]
        return f"{label}.{located[1].name}"


def _app_default_auto_field(folder: Path) -> str | None:
    """``default_auto_field`` of the AppConfig in the app's apps.py, when it is a literal."""
    tree = parse_installed(folder / "apps.py")
    for node in ast.walk(tree) if tree else ():
        if (isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "default_auto_field" for t in node.targets)
                and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
            return node.value.value
    return None


def _name_of(node: ast.expr) -> str:
    """``models.AutoField`` -> "AutoField"; ``Base`` -> "Base"."""
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""

