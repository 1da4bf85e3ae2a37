"""Static evaluation of a Django settings module: the handful of values the analyzer needs.

Real settings split over modules (``from .base import *``), build lists from named parts
(``DJANGO_APPS + LOCAL_APPS``, ``+=``, ``.append``) and branch on the environment. We evaluate
literals and those operations, take both sides of a condition we cannot decide (union of lists),
and report what we cannot evaluate with its ``path:line`` instead of guessing.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.modules import ModuleIndex
from analyzer.source import SourceError, read_tree
from decompose.model import Diagnostic, DiagnosticLevel, Location

# Reading the environment is evaluated as a fresh checkout runs: the variable is unset.
_ENV_GETTERS = frozenset({"os.environ.get", "os.getenv", "environ.get", "getenv"})


class Unknown:
    """A value the static evaluator could not compute; remembers where it came from."""

    def __init__(self, location: Location | None, why: str):
        self.location = location
        self.why = why

    def __repr__(self) -> str:
        return f"Unknown({self.location}, {self.why})"


@dataclass
class SettingsValues:
    """What we learnt from the settings module chain."""

    module: str
    values: dict[str, object] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    def string(self, name: str, default: str) -> str:
        value = self.values.get(name, default)
        return value if isinstance(value, str) else default

    @property
    def installed_apps(self) -> list[str]:
        value = self.values.get("INSTALLED_APPS")
        if not isinstance(value, list):
            return []
        return [item for item in value if isinstance(item, str)]


class SettingsEvaluator:
    """Runs the module-level statements of settings files over a dict of plain values."""

    def __init__(self, index: ModuleIndex, relative_to: Path):
        self.index = index
        self.relative_to = relative_to
        self.diagnostics: list[Diagnostic] = []
        self.files: list[Path] = []
        self._active: set[str] = set()

    def evaluate(self, module: str) -> SettingsValues:
        env = self._module_env(module, None)
        result = SettingsValues(module, diagnostics=self.diagnostics, files=self.files)
        if env is not None:
            for name, value in env.items():
                if name.isupper():
                    result.values[name] = value
            apps = env.get("INSTALLED_APPS")
            if isinstance(apps, list):
                for item in apps:
                    if isinstance(item, Unknown):
                        self._warn("dynamic-installed-apps", "INSTALLED_APPS entry cannot be "
                                   f"evaluated statically ({item.why}); it is left out",
                                   item.location)
                result.values["INSTALLED_APPS"] = [i for i in apps if isinstance(i, str)]
            elif isinstance(apps, Unknown):
                self._warn("dynamic-installed-apps", "INSTALLED_APPS cannot be evaluated "
                           f"statically ({apps.why})", apps.location)
        return result

    # -- modules ---------------------------------------------------------------------------

    def _module_env(self, module: str, at: Location | None) -> dict[str, object] | None:
        found = self.index.find(module)
        if found is None:
            self._warn("settings-module-missing", f"settings module {module!r} not found", at)
            return None
        if module in self._active:
            self._warn("settings-import-cycle", f"settings import cycle through {module!r}", at)
            return {}
        self._active.add(module)
        try:
            try:
                tree = read_tree(found.path)
            except SourceError as exc:
                self._warn(exc.code, exc.message, self._loc(found.path, exc.line))
                return None
            self.files.append(found.path)
            env: dict[str, object] = {}
            package = module if found.is_package else module.rpartition(".")[0]
            self._run(tree.body, env, found.path, package)
            return env
        finally:
            self._active.discard(module)

    def _loc(self, path: Path, line: int | None) -> Location:
        try:
            rel = path.relative_to(self.relative_to).as_posix()
        except ValueError:
            rel = path.as_posix()
        return Location(rel, line or 1)

    def _warn(self, code: str, message: str, location: Location | None) -> None:
        self.diagnostics.append(Diagnostic(DiagnosticLevel.WARNING, code, message, location))

    # -- statements ------------------------------------------------------------------------

    def _run(self, body: list[ast.stmt], env: dict[str, object], path: Path,
             package: str) -> None:
        for stmt in body:
            self._statement(stmt, env, path, package)

    def _statement(self, stmt: ast.stmt, env: dict[str, object], path: Path,
                   package: str) -> None:
        loc = self._loc(path, getattr(stmt, "lineno", None))
        if isinstance(stmt, ast.ImportFrom):
            self._import_from(stmt, env, package, loc)
        elif isinstance(stmt, ast.Assign):
            value = self._expr(stmt.value, env, path)
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    env[target.id] = _copy(value)
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value:
            env[stmt.target.id] = self._expr(stmt.value, env, path)
        elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
            name = stmt.target.id
            current = env.get(name, Unknown(loc, f"{name} is not defined before +="))
            env[name] = _binop(stmt.op, current, self._expr(stmt.value, env, path), loc)
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            self._mutating_call(stmt.value, env, path, loc)
        elif isinstance(stmt, ast.If):
            self._branch(stmt, env, path, package, loc)
        elif isinstance(stmt, ast.Try):
            self._run(stmt.body, env, path, package)
            self._run(stmt.orelse, env, path, package)
            self._run(stmt.finalbody, env, path, package)
        elif isinstance(stmt, ast.With):
            self._run(stmt.body, env, path, package)
        elif isinstance(stmt, ast.For | ast.While) and _assigns(stmt, "INSTALLED_APPS"):
            env["INSTALLED_APPS"] = Unknown(loc, "changed inside a loop")

    def _import_from(self, stmt: ast.ImportFrom, env: dict[str, object], package: str,
                     loc: Location) -> None:
        if stmt.level:
            parts = package.split(".")
            base = ".".join(parts[: len(parts) - stmt.level + 1])
            module = f"{base}.{stmt.module}" if stmt.module else base
        else:
            module = stmt.module or ""
        names = [a.name for a in stmt.names]
        wants = "*" in names or any(n.isupper() for n in names)
        found = self.index.find(module) if wants else None
        if found is None or not self.index.is_own(found):
            return  # django.conf.global_settings, third-party helpers: nothing we need
        other = self._module_env(module, loc)
        if other is None:
            return
        for alias in stmt.names:
            if alias.name == "*":
                env.update({k: _copy(v) for k, v in other.items() if not k.startswith("_")})
            elif alias.name in other:
                env[alias.asname or alias.name] = _copy(other[alias.name])

    def _branch(self, stmt: ast.If, env: dict[str, object], path: Path, package: str,
                loc: Location) -> None:
        test = self._expr(stmt.test, env, path)
        if not isinstance(test, Unknown):
            self._run(stmt.body if test else stmt.orelse, env, path, package)
            return
        taken = {k: _copy(v) for k, v in env.items()}
        other = {k: _copy(v) for k, v in env.items()}
        self._run(stmt.body, taken, path, package)
        self._run(stmt.orelse, other, path, package)
        for name in set(taken) | set(other):
            a, b = taken.get(name), other.get(name)
            if a == b or not name.isupper():
                env[name] = a if name in taken else b
            elif isinstance(a, list) and isinstance(b, list):
                env[name] = a + [item for item in b if item not in a]
                if name == "INSTALLED_APPS":
                    self._warn("conditional-installed-apps", "INSTALLED_APPS depends on a "
                               "condition that cannot be decided statically; both branches "
                               "are taken", loc)
            else:
                env[name] = b if name in other else a
                self._warn("conditional-setting", f"{name} depends on a condition that cannot "
                           "be decided statically; the value without the condition's branch "
                           "is used", loc)

    def _mutating_call(self, call: ast.Call, env: dict[str, object], path: Path,
                       loc: Location) -> None:
        func = call.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
            return
        target = env.get(func.value.id)
        if not isinstance(target, list):
            return
        args = [self._expr(a, env, path) for a in call.args]
        if func.attr == "append" and len(args) == 1:
            target.append(args[0])
        elif func.attr == "extend" and len(args) == 1:
            target.extend(_items(args[0], loc))
        elif func.attr == "insert" and len(args) == 2 and isinstance(args[0], int):
            target.insert(args[0], args[1])
        elif func.attr == "remove" and len(args) == 1 and args[0] in target:
            target.remove(args[0])

    # -- expressions -----------------------------------------------------------------------

    def _expr(self, node: ast.expr, env: dict[str, object], path: Path) -> object:
        loc = self._loc(path, getattr(node, "lineno", None))
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            items: list[object] = []
            for elt in node.elts:
                if isinstance(elt, ast.Starred):
                    items.extend(_items(self._expr(elt.value, env, path), loc))
                else:
                    items.append(self._expr(elt, env, path))
            return items
        if isinstance(node, ast.Name):
            if node.id in env:
                return env[node.id]
            return {"True": True, "False": False, "None": None}.get(
                node.id, Unknown(loc, f"name {node.id!r} is not known statically"))
        if isinstance(node, ast.BinOp):
            return _binop(node.op, self._expr(node.left, env, path),
                          self._expr(node.right, env, path), loc)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            value = self._expr(node.operand, env, path)
            return value if isinstance(value, Unknown) else not value
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in ("list", "tuple") and len(node.args) == 1):
            return _items(self._expr(node.args[0], env, path), loc)
        if isinstance(node, ast.Call) and _dotted(node.func) in _ENV_GETTERS and node.args:
            name = self._expr(node.args[0], env, path)
            default = self._expr(node.args[1], env, path) if len(node.args) > 1 else None
            self._warn("environment-setting", f"environment variable {name!r} is read; "
                       "evaluated as if it were unset", loc)
            return default
        if (isinstance(node, ast.Compare) and len(node.ops) == 1
                and isinstance(node.ops[0], ast.Eq | ast.NotEq)):
            left = self._expr(node.left, env, path)
            right = self._expr(node.comparators[0], env, path)
            if isinstance(left, Unknown) or isinstance(right, Unknown):
                return Unknown(loc, "comparison of unknown values")
            return (left == right) == isinstance(node.ops[0], ast.Eq)
        return Unknown(loc, f"{type(node).__name__.lower()} expression")


def _dotted(node: ast.expr) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return ".".join([node.id, *reversed(parts)]) if isinstance(node, ast.Name) else None


def _binop(op: ast.operator, left: object, right: object, loc: Location) -> object:
    if not isinstance(op, ast.Add):
        return Unknown(loc, "unsupported operator")
    if isinstance(left, list) and isinstance(right, list):
        return left + right
    if isinstance(left, list) and isinstance(right, Unknown):
        return [*left, right]
    if isinstance(right, list) and isinstance(left, Unknown):
        return [left, *right]
    if isinstance(left, str) and isinstance(right, str):
        return left + right
    return left if isinstance(left, Unknown) else Unknown(loc, "unsupported operands")


def _items(value: object, loc: Location) -> list[object]:
    if isinstance(value, list):
        return list(value)
    return [value if isinstance(value, Unknown) else Unknown(loc, "not a list")]


def _copy(value: object) -> object:
    return list(value) if isinstance(value, list) else value


def _assigns(stmt: ast.stmt, name: str) -> bool:
    return any((isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store))
               or (isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
               and n.value.id == name) for n in ast.walk(stmt))
