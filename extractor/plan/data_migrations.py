"""The monolith's data migrations the service's tests replay: rows its migrations write into
tables the service has too (kiwi's ``tcms/core/migrations/0001_squashed.py`` creates the groups
"Administrator" and "Tester", which kiwi_auth's registration adds each new user to).

The service's test database is made from its models, without migrations (conftest.py), so no
data migration runs there, while production's shared database holds what the monolith's
migrations wrote. A migration module is replayed when every model its ``RunPython`` functions
ask ``apps.get_model`` for is one the service has (a moved app's, or an app it installs) and it
imports nothing of the project: it is copied under the service's ``tests/`` and its functions
run once, on the test database, with the service's app registry. Read, never imported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass

from decompose.model import FileCopy, Level, Location, Rewrite
from decompose.modules import absolute_module
from extractor.plan.scope import Scope

DATA_PACKAGE = "tests/monolith_data"  # where the copies go in the service
DATA_COPY = "data-migration"  # FileCopy.kind of a copy
DATA_INIT = "data-package"  # FileCopy.kind of the package's __init__ (written, not copied)


@dataclass(frozen=True)
class DataMigrations:
    copies: tuple[FileCopy, ...] = ()  # in the order the monolith migrates them
    notes: tuple[Rewrite, ...] = ()

    @property
    def modules(self) -> tuple[str, ...]:
        """The copies' modules in the service, in migration order."""
        return tuple(c.target.removesuffix(".py").replace("/", ".") for c in self.copies
                     if c.kind == DATA_COPY)


def data_migrations(scope: Scope, installed: Iterable[str]) -> DataMigrations:
    """The own apps' migration modules with ``RunPython`` whose models are all the service's
    (``installed``: labels of the apps it installs, the moved ones included), in dependency
    order."""
    labels = frozenset(installed)
    graph: dict[tuple[str, str], tuple[str, ast.Module]] = {}
    for app in scope.source.own:
        folder = scope.source.root / (app.path or "") / "migrations"
        for file in sorted(folder.glob("[!_]*.py")):
            path = file.relative_to(scope.source.root).as_posix()
            tree = scope.source.tree(path)
            if tree is not None:
                graph[(app.label, file.stem)] = (path, tree)
    chosen = {node for node, (path, tree) in graph.items()
              if _replayable(scope, path, tree, labels)}
    order: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()

    def visit(node: tuple[str, str]) -> None:
        if node in seen or node not in graph:
            return
        seen.add(node)
        for needed in sorted(_dependencies(graph[node][1])):
            visit(needed)
        if node in chosen:
            order.append(node)

    for node in sorted(graph):
        visit(node)
    copies = [FileCopy(graph[n][0], f"{DATA_PACKAGE}/{n[0]}_{n[1]}.py", DATA_COPY)
              for n in order]
    notes = tuple(Rewrite(Location(graph[n][0], 1), "tests", (
        "data migration replayed on the service's test database before its suite (copied to "
        f"{DATA_PACKAGE}/): production's shared database has the rows it writes"), Level.INFO)
        for n in order)
    if copies:
        copies.insert(0, FileCopy("", f"{DATA_PACKAGE}/__init__.py", DATA_INIT))
    return DataMigrations(tuple(copies), notes)


def _replayable(scope: Scope, path: str, tree: ast.Module, labels: frozenset[str]) -> bool:
    """Whether the module runs Python and all of it can run in the service's tests."""
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    if not any(isinstance(c.func, ast.Attribute) and c.func.attr == "RunPython"
               for c in calls):
        return False
    package = scope.source.module_of(path).rpartition(".")[0]
    for node in ast.walk(tree):
        modules = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                   [absolute_module(package, node.module, node.level)]
                   if isinstance(node, ast.ImportFrom) else [])
        if any(_own(scope, module) for module in modules):
            return False
    wanted = [c for c in calls if isinstance(c.func, ast.Attribute)
              and c.func.attr == "get_model"]
    targets = [_label(c) for c in wanted]
    return bool(targets) and all(t is not None and t in labels for t in targets)


def _own(scope: Scope, module: str) -> bool:
    """Whether ``module`` is the project's (its file, or a module of one of its apps)."""
    app = scope.source.app_of(module)
    return scope.source.path_of(module) is not None or (app is not None and not app.external)


def _label(call: ast.Call) -> str | None:
    """The app label ``apps.get_model("auth", "Group")`` (or ``"auth.Group"``) names."""
    words = [a.value for a in call.args if isinstance(a, ast.Constant)
             and isinstance(a.value, str)]
    if len(words) != len(call.args) or not 1 <= len(words) <= 2:
        return None
    return words[0].split(".")[0] if len(words) == 2 or "." in words[0] else None


def _dependencies(tree: ast.Module) -> set[tuple[str, str]]:
    """The (app label, migration) pairs of the Migration class's ``dependencies``."""
    found = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Assign) and any(isinstance(t, ast.Name)
                                                   and t.id == "dependencies"
                                                   for t in node.targets)
                and isinstance(node.value, ast.List | ast.Tuple)):
            for item in node.value.elts:
                words = [e.value for e in item.elts if isinstance(e, ast.Constant)
                         and isinstance(e.value, str)] if isinstance(item, ast.Tuple) else []
                if len(words) == 2:
                    found.add((words[0], words[1]))
    return found
