"""The primary key of a model outside the project (``auth.User``, a third-party app's model),
read statically from its installed source, the way the analyzer reads the project's own.

graph.json carries external apps (label, dotted name, installed folder) but not their models;
an id column that replaces a relation to one needs the key's real type, so it is read here:
the field declared ``primary_key=True`` on the class or its bases, else the implicit ``id`` of
the app's ``default_auto_field`` (``django.contrib.auth`` says ``AutoField``), else the
project's ``DEFAULT_AUTO_FIELD``. The installed code is parsed, never imported.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from decompose.model import App
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

