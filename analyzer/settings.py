"""Static evaluation of a Django settings module: the handful of values the analyzer needs.

Real settings split over modules (``from .base import *``, django-split-settings'
``include()``), build lists from named parts (``DJANGO_APPS + LOCAL_APPS``, ``+=``,
``.append``, loops and comprehensions over literal lists, plugin entry points), live in classes
(django-configurations, ``@property`` bodies) and branch on the environment. We evaluate
literals and those operations, take both sides of a condition we cannot decide (union of
lists), and report what we cannot evaluate with its ``path:line`` instead of guessing. Where
each setting got its value is remembered too (``Origin``): the extractor edits and carries
settings from those facts instead of reading the settings a second way.
"""

from __future__ import annotations

import ast
import glob
from collections import ChainMap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.entry_points import EntryPoint, entry_points
from analyzer.settings_objects import (
    AllEntryPoints,
    Bound,
    EnvironReader,
    Function,
    Instance,
    Optional,
    Origin,
    Scope,
    SettingsClass,
    SplitSettings,
    Super,
    Unknown,
)
from analyzer.source import SourceError, read_tree
from decompose.model import Diagnostic, DiagnosticLevel, Location
from decompose.modules import ModuleIndex

# Reading the environment is evaluated as a fresh checkout runs: the variable is unset.
_ENV_GETTERS = frozenset({"os.environ.get", "os.getenv", "environ.get", "getenv"})
# django-environ's readers: ``env("NAME", default=...)``, ``env.bool(...)`` and the like.
_ENVIRON_CASTS = frozenset({"str", "bool", "int", "float", "list", "tuple", "dict", "json"})
# Pure methods of a string the evaluator runs (``BASE_CURRENCY.upper()``).
_CASTS = {"bool": bool, "int": int, "float": float, "str": str}
_STR_METHODS = frozenset({"upper", "lower", "casefold", "title", "capitalize", "strip", "lstrip",
                          "rstrip", "replace", "removeprefix", "removesuffix", "split"})
# Arithmetic and string methods beyond these are left unknown: no settings file blows them up.
_MAX_NUMBER = 2**63
_MAX_STRING = 100_000
_RETURN = "<return>"
_RECEIVER = "<self>"
_OWNER = "<class>"
_MAX_ITERATIONS = 10_000
_MAX_CALL_DEPTH = 30
_SCOPE_ARGUMENTS = frozenset({"globals", "vars", "locals"})
__all__ = ["SettingsEvaluator", "SettingsValues", "Unknown"]


@dataclass
class SettingsValues:
    """What we learnt from the settings module chain."""

    module: str
    values: dict[str, object] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    origins: dict[str, Origin] = field(default_factory=dict)  # where each value was set

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
        self._calls: list[ast.FunctionDef] = []
        self._module_attrs: dict[str, dict[str, object] | None] = {}
        self._origins: dict[str, Origin] = {}  # of the module or class body being run
        self._owner: str | None = None  # the settings class whose body is being run
        self._including = False  # running a file django-split-settings includes
        self._relative: dict[Path, str] = {}  # file -> its path in locations
        self._reads: list[str] = []  # environment variables read, in order, while evaluating

    @contextmanager
    def _origins_of(self, origins: dict[str, Origin], owner: str | None = None,
                    including: bool = False) -> Iterator[None]:
        """Record where names are set into ``origins`` while a body runs."""
        saved = self._origins, self._owner, self._including
        self._origins, self._owner, self._including = origins, owner, including
        try:
            yield
        finally:
            self._origins, self._owner, self._including = saved

    def evaluate(self, module: str, configuration: str | None = None) -> SettingsValues:
        origins: dict[str, Origin] = {}
        with self._origins_of(origins):
            env = self._module_env(module, None)
        result = SettingsValues(module, diagnostics=self.diagnostics, files=self.files,
                                origins=origins)
        if env is not None:
            with self._origins_of(origins):
                self._configure(env, module, configuration)
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

    def _configure(self, env: Scope, module: str, configuration: str | None) -> None:
        """django-configurations: the class ``DJANGO_CONFIGURATION`` names is instantiated
        and its upper-case attributes become the module's settings (its importer's job)."""
        classes = [v for v in env.values()
                   if isinstance(v, SettingsClass) and v.derives_from("Configuration")]
        if not classes:
            return
        chosen = env.get(configuration) if configuration else None
        if not isinstance(chosen, SettingsClass):
            self._warn("settings-configuration", "DJANGO_CONFIGURATION "
                       + (f"{configuration!r} is not a class of {module!r}" if configuration
                          else "is not set (manage.py sets no default)")
                       + f"; using {classes[0].name!r}", None)
            chosen = classes[0]
        self._export(chosen, env)

    # -- modules ---------------------------------------------------------------------------

    def _module_env(self, module: str, at: Location | None) -> Scope | None:
        found = self.index.find(module)
        if found is None:
            self._warn("settings-module-missing", f"settings module {module!r} not found", at)
            return None
        if module in self._active:
            self._warn("settings-import-cycle", f"settings import cycle through {module!r}", at)
            return {}
        self._active.add(module)
        try:
            env: Scope = {}
            package = module if found.is_package else module.rpartition(".")[0]
            if not self._run_file(found.path, env, package, at):
                return None
            return env
        finally:
            self._active.discard(module)

    def _module_origins(self, module: str, at: Location | None
                        ) -> tuple[Scope, dict[str, Origin]] | None:
        """A module's names, run on their own, with where each was set."""
        origins: dict[str, Origin] = {}
        with self._origins_of(origins):
            env = self._module_env(module, at)
        return None if env is None else (env, origins)

    def _record(self, target: ast.expr, value: ast.expr | None, loc: Location, env: Scope,
                path: Path, evaluated: tuple[object, list[str]] | None = None) -> None:
        """Remember where an upper-case name got its value (augmented assignments and
        ``.append`` keep the place where the name was first assigned). ``evaluated``: its
        value and the environment variables evaluating it read; a scalar computed from one
        (``bool(int(os.getenv("DEBUG", "0")))``, a helper such as ``extract_bool("X",
        False)``) reads that variable, its value unset being the default."""
        if isinstance(target, ast.Name) and target.id.isupper():
            environment = self._environment(value, env, path)
            if environment is None and evaluated is not None:
                result, reads = evaluated
                if len(set(reads)) == 1 and isinstance(result, str | bool | int | float | list
                                                       | dict):
                    environment = (reads[0], result, True)
            self._origins[target.id] = Origin(target.id, loc, value, self._owner,
                                              self._including, environment)

    def _environment(self, node: ast.expr | None, env: Scope, path: Path
                     ) -> tuple[str, object, bool] | None:
        """(variable, default, has a default) when ``node`` reads one environment variable:
        ``os.environ.get("X", d)``, ``os.environ["X"]``, django-environ's ``env.bool("X",
        default=d)``."""
        if isinstance(node, ast.Subscript) and _dotted(node.value) == "os.environ":
            name = self._expr(node.slice, env, path)
            return (name, None, False) if isinstance(name, str) else None
        if not isinstance(node, ast.Call) or not node.args:
            return None
        func = node.func
        reader = func.value if isinstance(func, ast.Attribute) and func.attr in _ENVIRON_CASTS \
            else func
        if _dotted(func) in _ENV_GETTERS:
            default: ast.expr | None = node.args[1] if len(node.args) > 1 else None
            has_default = True  # os.environ.get("X") is None when X is unset
        elif isinstance(reader, ast.Name) and isinstance(env.get(reader.id), EnvironReader):
            default = next((k.value for k in node.keywords if k.arg == "default"), None)
            has_default = default is not None
        else:
            return None
        name = self._expr(node.args[0], env, path)
        if not isinstance(name, str):
            return None
        return name, (self._expr(default, env, path) if default else None), has_default

    def _run_file(self, path: Path, env: Scope, package: str, at: Location | None) -> bool:
        try:
            tree = read_tree(path)
        except SourceError as exc:
            self._warn(exc.code, exc.message, self._loc(path, exc.line) if exc.line else at)
            return False
        self.files.append(path)
        self._run(tree.body, env, path, package)
        return True

    def _loc(self, path: Path, line: int | None) -> Location:
        """Memoised per file: every expression evaluated asks (``relative_to`` was half of
        evaluating pretix's settings)."""
        rel = self._relative.get(path)
        if rel is None:
            try:
                rel = path.relative_to(self.relative_to).as_posix()
            except ValueError:
                rel = path.as_posix()
            self._relative[path] = rel
        return Location(rel, line or 1)

    def _warn(self, code: str, message: str, location: Location | None) -> None:
        self.diagnostics.append(Diagnostic(DiagnosticLevel.WARNING, code, message, location))

    # -- statements ------------------------------------------------------------------------

    def _run(self, body: list[ast.stmt], env: Scope, path: Path, package: str) -> None:
        for stmt in body:
            if _RETURN in env:
                return
            self._statement(stmt, env, path, package)

    def _statement(self, stmt: ast.stmt, env: Scope, path: Path, package: str) -> None:
        loc = self._loc(path, getattr(stmt, "lineno", None))
        if isinstance(stmt, ast.ImportFrom):
            self._import_from(stmt, env, package, loc)
        elif isinstance(stmt, ast.Assign):
            read = len(self._reads)
            value = self._expr(stmt.value, env, path)
            for target in stmt.targets:
                self._bind(target, value, env)
                self._record(target, stmt.value, loc, env, path, (value, self._reads[read:]))
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value:
            read = len(self._reads)
            env[stmt.target.id] = self._expr(stmt.value, env, path)
            self._record(stmt.target, stmt.value, loc, env, path,
                         (env[stmt.target.id], self._reads[read:]))
        elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
            name = stmt.target.id
            current = env.get(name, Unknown(loc, f"{name} is not defined before +="))
            env[name] = _binop(stmt.op, current, self._expr(stmt.value, env, path), loc)
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            self._call_statement(stmt.value, env, path, package, loc)
        elif isinstance(stmt, ast.Return):
            env[_RETURN] = self._expr(stmt.value, env, path) if stmt.value else None
        elif isinstance(stmt, ast.If):
            self._branch(stmt, env, path, package, loc)
        elif isinstance(stmt, ast.Try):
            self._run(stmt.body, env, path, package)
            self._run(stmt.orelse, env, path, package)
            self._run(stmt.finalbody, env, path, package)
        elif isinstance(stmt, ast.With):
            self._run(stmt.body, env, path, package)
        elif isinstance(stmt, ast.For):
            self._loop(stmt, env, path, package, loc)
        elif isinstance(stmt, ast.While) and _assigns(stmt, "INSTALLED_APPS"):
            self._warn("dynamic-installed-apps", "INSTALLED_APPS is changed inside a while "
                       "loop that cannot be evaluated statically; what it adds is left out", loc)
        elif isinstance(stmt, ast.FunctionDef):
            env[stmt.name] = Function(stmt, path, package, env)
        elif isinstance(stmt, ast.ClassDef):
            env[stmt.name] = self._class(stmt, env, path, package)

    def _bind(self, target: ast.expr, value: object, env: Scope) -> None:
        if isinstance(target, ast.Name):
            env[target.id] = _copy(value)
        elif isinstance(target, ast.Tuple | ast.List) and isinstance(value, list) and len(
                value) == len(target.elts):
            for element, item in zip(target.elts, value, strict=True):
                self._bind(element, item, env)
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                self._bind(element, Unknown(None, "unpacking of a value not known"), env)

    def _loop(self, stmt: ast.For, env: Scope, path: Path, package: str,
              loc: Location) -> None:
        """A loop over a list known statically runs once per item (a literal list of plugins,
        entry points read from the installed distributions); any other loop that touches
        INSTALLED_APPS keeps what is known and says where the rest comes from."""
        iterable = self._expr(stmt.iter, env, path)
        if isinstance(iterable, list):
            for item in iterable[:_MAX_ITERATIONS]:
                self._bind(stmt.target, item, env)
                self._run(stmt.body, env, path, package)
            self._run(stmt.orelse, env, path, package)
        elif _assigns(stmt, "INSTALLED_APPS"):
            why = iterable.why if isinstance(iterable, Unknown) else "not a list"
            self._warn("dynamic-installed-apps", "INSTALLED_APPS is extended in a loop over a "
                       f"value that cannot be evaluated statically ({why}); the apps it adds "
                       "are left out", loc)

    def _import_from(self, stmt: ast.ImportFrom, env: Scope, package: str,
                     loc: Location) -> None:
        if stmt.level:
            parts = package.split(".")
            base = ".".join(parts[: len(parts) - stmt.level + 1])
            module = f"{base}.{stmt.module}" if stmt.module else base
        else:
            module = stmt.module or ""
        if module == "split_settings.tools":
            for alias in stmt.names:
                env[alias.asname or alias.name] = SplitSettings(alias.name)
            return
        names = [a.name for a in stmt.names]
        wants = "*" in names or any(n[:1].isupper() for n in names)
        found = self.index.find(module) if wants else None
        if found is None or not self.index.is_own(found):
            return  # django.conf.global_settings, third-party helpers: nothing we need
        found_env = self._module_origins(module, loc)
        if found_env is None:
            return
        other, origins = found_env
        for alias in stmt.names:
            if alias.name == "*":
                env.update({k: _copy(v) for k, v in other.items() if not k.startswith("_")})
                self._origins.update(origins)
            elif alias.name in other:
                env[alias.asname or alias.name] = _copy(other[alias.name])
                if alias.name in origins:
                    self._origins[alias.asname or alias.name] = origins[alias.name]

    def _branch(self, stmt: ast.If, env: Scope, path: Path, package: str,
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
            if isinstance(a, list) and isinstance(b, list) and a != b:
                env[name] = a + [item for item in b if item not in a]
                if name == "INSTALLED_APPS":
                    self._warn("conditional-installed-apps", "INSTALLED_APPS depends on a "
                               "condition that cannot be decided statically; both branches "
                               "are taken", loc)
            elif a == b or not name.isupper():
                env[name] = a if name in taken else b
            else:
                env[name] = b if name in other else a
                self._warn("conditional-setting", f"{name} depends on a condition that cannot "
                           "be decided statically; the value without the condition's branch "
                           "is used", loc)

    def _call_statement(self, call: ast.Call, env: Scope, path: Path, package: str,
                        loc: Location) -> None:
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in ("append", "extend", "insert",
                                                             "remove"):
            self._mutating_call(call, func, env, path, loc)
            return
        callee = self._expr(func, env, path)
        if isinstance(callee, SplitSettings) and callee.name == "include":
            self._include(call, env, path, package, loc)
        elif any(_scope_argument(a) for a in call.args) or _dotted(func) == "globals.update":
            self._load_into_module(call, callee, env, path)

    def _mutating_call(self, call: ast.Call, func: ast.Attribute, env: Scope, path: Path,
                       loc: Location) -> None:
        target = self._expr(func.value, env, path)
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

    def _include(self, call: ast.Call, env: Scope, path: Path, package: str,
                 loc: Location) -> None:
        """django-split-settings: each file (glob patterns allowed, relative to the including
        file) runs in the including module's namespace, in order."""
        for arg in call.args:
            pattern = self._expr(arg, env, path)
            optional = isinstance(pattern, Optional)
            if isinstance(pattern, Optional):
                pattern = pattern.pattern
            if not isinstance(pattern, str):
                self._warn("dynamic-settings-include", "include() of a path that cannot be "
                           "evaluated statically; it is left out", loc)
                continue
            matches = sorted(glob.glob(str(path.parent / pattern)))  # noqa: PTH207 (may be absolute)
            if not matches and not optional:
                self._warn("settings-module-missing", f"include({pattern!r}) matches no file",
                           loc)
            for match in matches:
                with self._origins_of(self._origins, self._owner, including=True):
                    self._run_file(Path(match), env, package, loc)

    def _load_into_module(self, call: ast.Call, callee: object, env: Scope, path: Path) -> None:
        """``Settings.load(globals())``, ``globals().update(vars(Settings()))``: a settings
        class copied into the module; its upper-case attributes become settings."""
        sources = [callee.receiver if isinstance(callee, Bound) else callee,
                   *(self._expr(a, env, path) for a in call.args)]
        for value in sources:
            cls = value.cls if isinstance(value, Instance) else value
            if isinstance(cls, SettingsClass):
                self._export(cls, env)
                return

    def _export(self, cls: SettingsClass, env: Scope) -> None:
        receiver = Instance(cls)
        for name in cls.setting_names():
            env[name] = _copy(self._lookup(cls.mro(), name, receiver, None))
            origin = next((c.origins[name] for c in cls.mro() if name in c.origins), None)
            if origin is not None:
                self._origins[name] = origin

    # -- classes and functions -------------------------------------------------------------

    def _class(self, node: ast.ClassDef, env: Scope, path: Path, package: str) -> SettingsClass:
        bases, external = [], []
        for base in node.bases:
            value = self._expr(base, env, path)
            if isinstance(value, SettingsClass):
                bases.append(value)
            else:
                external.append(_dotted(base) or "?")
        cls = SettingsClass(node.name, tuple(bases), tuple(external))
        scope: Scope = ChainMap(cls.namespace, env)
        with self._origins_of(cls.origins, node.name, self._including):
            for stmt in node.body:
                if isinstance(stmt, ast.FunctionDef):
                    cls.methods[stmt.name] = Function(stmt, path, package, env, _kind(stmt))
                    if stmt.name.isupper():
                        cls.origins[stmt.name] = Origin(stmt.name, self._loc(path, stmt.lineno),
                                                        None, node.name, self._including)
                else:
                    self._statement(stmt, scope, path, package)
        return cls

    def _lookup(self, mro: list[SettingsClass], name: str, receiver: Instance | SettingsClass,
                loc: Location | None) -> object:
        for cls in mro:
            if name in cls.namespace:
                return cls.namespace[name]
            function = cls.methods.get(name)
            if function is not None:
                if function.kind == "property" and isinstance(receiver, Instance):
                    return self._invoke(function, cls, receiver, [], loc)
                return Bound(function, cls, receiver)
        return Unknown(loc, f"{name} is not an attribute of the settings class")

    def _invoke(self, function: Function, owner: SettingsClass | None,
                receiver: Instance | SettingsClass | None, args: list[object],
                loc: Location | None) -> object:
        node = function.node
        if node in self._calls or len(self._calls) >= _MAX_CALL_DEPTH:
            return Unknown(loc, f"recursive call of {node.name}()")
        local: dict[str, object] = {}
        params = [*node.args.posonlyargs, *node.args.args]
        values = list(args)
        if receiver is not None and function.kind != "staticmethod":
            if function.kind == "classmethod" and isinstance(receiver, Instance):
                receiver = receiver.cls
            values.insert(0, receiver)
            local[_RECEIVER] = receiver
        if owner is not None:
            local[_OWNER] = owner
        defaults = node.args.defaults
        first_default = len(params) - len(defaults)
        for i, param in enumerate(params):
            if i < len(values):
                local[param.arg] = values[i]
            elif i >= first_default:
                local[param.arg] = self._expr(defaults[i - first_default],
                                              function.module_scope, function.path)
        self._calls.append(node)
        try:
            with self._origins_of({}):  # a function's locals are no settings
                self._run(node.body, ChainMap(local, function.module_scope), function.path,
                          function.package)
        finally:
            self._calls.pop()
        return local.get(_RETURN)

    def _call(self, node: ast.Call, env: Scope, path: Path, loc: Location) -> object:
        dotted = _dotted(node.func)
        if dotted in _ENV_GETTERS and node.args:
            name = self._expr(node.args[0], env, path)
            default = self._expr(node.args[1], env, path) if len(node.args) > 1 else None
            if isinstance(name, str):
                self._reads.append(name)
            self._warn("environment-setting", f"environment variable {name!r} is read; "
                       "evaluated as if it were unset", loc)
            return default
        if dotted == "ast.literal_eval" and len(node.args) == 1:  # safe by design
            return _literal(self._expr(node.args[0], env, path), loc)
        if dotted in _CASTS and len(node.args) == 1 and not node.keywords:
            return _cast(dotted, self._expr(node.args[0], env, path), loc)
        if dotted in ("list", "tuple", "set", "sorted") and len(node.args) == 1:
            return _items(self._expr(node.args[0], env, path), loc)
        if dotted in ("environ.Env", "Env"):
            return EnvironReader(loc, "django-environ reader")
        if dotted == "super" and _OWNER in env and _RECEIVER in env:
            owner, receiver = env[_OWNER], env[_RECEIVER]
            if isinstance(owner, SettingsClass) and isinstance(receiver, Instance | SettingsClass):
                return Super(owner, receiver)
        if dotted and dotted.rpartition(".")[2] in ("entry_points", "iter_entry_points"):
            group = self._keyword(node, "group", env, path)
            if group is None and node.args and dotted.endswith("iter_entry_points"):
                group = self._expr(node.args[0], env, path)
            return self._entry_points(group) if group is not None else AllEntryPoints()
        if dotted and dotted.startswith("values.") and dotted.endswith("Value"):
            # django-configurations' values.ListValue([...]): the default, env var unset
            default = node.args[0] if node.args else next(
                (k.value for k in node.keywords if k.arg == "default"), None)
            return self._expr(default, env, path) if default is not None else None
        if isinstance(node.func, ast.Attribute):
            owner_value = self._expr(node.func.value, env, path)
            if isinstance(owner_value, AllEntryPoints) and node.func.attr in ("select", "get"):
                group = self._keyword(node, "group", env, path)
                if group is None and node.args:
                    group = self._expr(node.args[0], env, path)
                return self._entry_points(group)
            if isinstance(owner_value, EntryPoint) and node.func.attr == "load":
                return self._load_entry_point(owner_value, loc)
            if isinstance(owner_value, str) and node.func.attr in _STR_METHODS:
                return _string_method(owner_value, node.func.attr,
                                      [self._expr(a, env, path) for a in node.args], loc)
        callee = self._expr(node.func, env, path)
        args = [self._expr(a, env, path) for a in node.args]
        if isinstance(callee, SettingsClass):
            return Instance(callee)
        if isinstance(callee, Bound):
            return self._invoke(callee.function, callee.owner, callee.receiver, args, loc)
        if isinstance(callee, Function):
            return self._invoke(callee, None, None, args, loc)
        if isinstance(callee, SplitSettings) and callee.name == "optional" and args:
            return Optional(args[0])
        return Unknown(loc, f"call of {dotted or 'an expression'}()")

    def _keyword(self, node: ast.Call, name: str, env: Scope, path: Path) -> object | None:
        value = next((k.value for k in node.keywords if k.arg == name), None)
        return None if value is None else self._expr(value, env, path)

    def _entry_points(self, group: object) -> object:
        if not isinstance(group, str):
            return Unknown(None, "entry points of a group not known statically")
        return list(entry_points(self.index.roots, group))

    def _load_entry_point(self, point: EntryPoint, loc: Location) -> object:
        """``entry_point.load()`` of ``module:attr`` where the attribute is a plain value
        (pulpcore's plugins name their ``default_app_config`` string): read, never imported."""
        if not point.attr:
            return Unknown(loc, f"entry point {point.name!r} loads a module")
        if point.module not in self._module_attrs:
            found = self.index.find(point.module)
            env: Scope | None = None
            if found is not None:
                env = {}
                package = point.module if found.is_package else point.module.rpartition(".")[0]
                saved, self.diagnostics = self.diagnostics, []
                try:
                    with self._origins_of({}):
                        self._run_file(found.path, env, package, loc)
                finally:
                    self.diagnostics = saved
            self._module_attrs[point.module] = dict(env) if env is not None else None
        attrs = self._module_attrs[point.module]
        value = attrs.get(point.attr) if attrs is not None else None
        if isinstance(value, str | list):
            return value
        return Unknown(loc, f"entry point {point.name!r} ({point.value}) is not a plain value")

    def _attribute(self, value: object, name: str, loc: Location) -> object:
        if isinstance(value, EntryPoint):
            found = value.attribute(name)
            return found if found is not None else Unknown(loc, f"entry point .{name}")
        if isinstance(value, Instance):
            return self._lookup(value.cls.mro(), name, value, loc)
        if isinstance(value, SettingsClass):
            return self._lookup(value.mro(), name, value, loc)
        if isinstance(value, Super):
            cls = value.receiver.cls if isinstance(value.receiver, Instance) else value.receiver
            mro = cls.mro()
            after = mro[mro.index(value.owner) + 1:] if value.owner in mro else []
            return self._lookup(after, name, value.receiver, loc)
        return Unknown(loc, f"attribute .{name} of a value not known statically")

    # -- expressions -----------------------------------------------------------------------

    def _expr(self, node: ast.expr, env: Scope, path: Path) -> object:
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
        if isinstance(node, ast.Dict):
            return self._dict(node, env, path, loc)
        if isinstance(node, ast.Name):
            if node.id in env:
                return env[node.id]
            return {"True": True, "False": False, "None": None}.get(
                node.id, Unknown(loc, f"name {node.id!r} is not known statically"))
        if isinstance(node, ast.Attribute):
            return self._attribute(self._expr(node.value, env, path), node.attr, loc)
        if isinstance(node, ast.BinOp):
            return _binop(node.op, self._expr(node.left, env, path),
                          self._expr(node.right, env, path), loc)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            value = self._expr(node.operand, env, path)
            return value if isinstance(value, Unknown) else not value
        if isinstance(node, ast.BoolOp):
            return self._bool(node, env, path, loc)
        if isinstance(node, ast.IfExp):
            test = self._expr(node.test, env, path)
            if not isinstance(test, Unknown):
                return self._expr(node.body if test else node.orelse, env, path)
            return Unknown(loc, "conditional expression")
        if isinstance(node, ast.JoinedStr):
            return self._fstring(node, env, path, loc)
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp):
            return self._comprehension(node, env, path, loc)
        if isinstance(node, ast.Call):
            return self._call(node, env, path, loc)
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            return self._compare(node, env, path, loc)
        return Unknown(loc, f"{type(node).__name__.lower()} expression")

    def _dict(self, node: ast.Dict, env: Scope, path: Path, loc: Location) -> object:
        found: dict[object, object] = {}
        for key, item in zip(node.keys, node.values, strict=True):
            value = self._expr(item, env, path)
            if key is None:  # {**BASE, ...}
                if not isinstance(value, dict):
                    return Unknown(loc, "dict unpacking of a value not known statically")
                found.update(value)
                continue
            name = self._expr(key, env, path)
            if not isinstance(name, str | int | float | bool | None):
                return Unknown(loc, "dict key not known statically")
            found[name] = value
        return found

    def _bool(self, node: ast.BoolOp, env: Scope, path: Path, loc: Location) -> object:
        value: object = None
        for operand in node.values:
            value = self._expr(operand, env, path)
            if isinstance(value, Unknown):
                return Unknown(loc, "boolean operation on unknown values")
            if bool(value) == isinstance(node.op, ast.Or):
                return value
        return value

    def _fstring(self, node: ast.JoinedStr, env: Scope, path: Path, loc: Location) -> object:
        parts = []
        for value in node.values:
            part = (self._expr(value.value, env, path) if isinstance(value, ast.FormattedValue)
                    else self._expr(value, env, path))
            if not isinstance(part, str | int) or isinstance(part, bool):
                return Unknown(loc, "f-string of values not known statically")
            parts.append(str(part))
        return "".join(parts)

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp, env: Scope,
                       path: Path, loc: Location) -> object:
        results: list[object] = []

        def walk(depth: int, scope: Scope) -> None:
            if depth == len(node.generators):
                results.append(self._expr(node.elt, scope, path))
                return
            generator = node.generators[depth]
            iterable = self._expr(generator.iter, scope, path)
            if not isinstance(iterable, list):
                why = iterable.why if isinstance(iterable, Unknown) else "not a list"
                results.append(Unknown(loc, f"comprehension over a value not known ({why})"))
                return
            for item in iterable[:_MAX_ITERATIONS]:
                inner: Scope = ChainMap({}, scope)
                self._bind(generator.target, item, inner)
                tests = [self._expr(test, inner, path) for test in generator.ifs]
                if all(isinstance(t, Unknown) or t for t in tests):
                    walk(depth + 1, inner)

        walk(0, env)
        return results

    def _compare(self, node: ast.Compare, env: Scope, path: Path, loc: Location) -> object:
        left = self._expr(node.left, env, path)
        right = self._expr(node.comparators[0], env, path)
        op = node.ops[0]
        if isinstance(left, Unknown) or isinstance(right, Unknown):
            return Unknown(loc, "comparison of unknown values")
        if isinstance(op, ast.Eq | ast.NotEq):
            return (left == right) == isinstance(op, ast.Eq)
        if isinstance(op, ast.In | ast.NotIn) and isinstance(right, list | str):
            return (left in right) == isinstance(op, ast.In)
        return Unknown(loc, "comparison")


def _kind(node: ast.FunctionDef) -> str:
    for decorator in node.decorator_list:
        name = _dotted(decorator) or ""
        last = name.rpartition(".")[2]
        if last in ("property", "cached_property"):
            return "property"
        if last in ("classmethod", "staticmethod"):
            return last
    return "method"


def _scope_argument(node: ast.expr) -> bool:
    """``globals()``, ``vars()``, ``__name__``, ``sys.modules[__name__]``: the module itself."""
    if isinstance(node, ast.Call):
        return _dotted(node.func) in _SCOPE_ARGUMENTS
    return any(isinstance(n, ast.Name) and n.id == "__name__" for n in ast.walk(node))


def _dotted(node: ast.expr) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Call):  # globals().update -> "globals.update"
        node = node.func
    return ".".join([node.id, *reversed(parts)]) if isinstance(node, ast.Name) else None


def _literal(text: object, loc: Location) -> object:
    """``ast.literal_eval`` of a string known statically (it evaluates no code)."""
    if not isinstance(text, str) or len(text) > _MAX_STRING:
        return Unknown(loc, "ast.literal_eval() of a value not known statically")
    try:
        return ast.literal_eval(text)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return Unknown(loc, "ast.literal_eval() that fails")


def _cast(name: str, value: object, loc: Location) -> object:
    """``bool(x)``, ``int(x)``, ``float(x)``, ``str(x)`` of a scalar known statically (the
    casts wrapped around environment reads)."""
    if value is not None and not isinstance(value, str | bool | int | float):
        return Unknown(loc, f"{name}() of a value not known statically")
    if isinstance(value, str) and len(value) > _MAX_STRING:
        return Unknown(loc, f"{name}() of a string longer than {_MAX_STRING} characters")
    try:
        return _CASTS[name](value)
    except (TypeError, ValueError):
        return Unknown(loc, f"{name}() that fails")


def _string_method(value: str, method: str, args: list[object], loc: Location) -> object:
    if not all(isinstance(a, str | int) and not isinstance(a, bool) for a in args):
        return Unknown(loc, f"str.{method}() of values not known statically")
    try:
        result: object = getattr(value, method)(*args)
    except (TypeError, ValueError, IndexError, KeyError):
        return Unknown(loc, f"str.{method}() that fails")
    if isinstance(result, str) and len(result) > _MAX_STRING:
        return Unknown(loc, f"str.{method}() longer than {_MAX_STRING} characters")
    return result


_ARITHMETIC = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
               ast.Mult: lambda a, b: a * b}


def _binop(op: ast.operator, left: object, right: object, loc: Location) -> object:
    if (type(op) in _ARITHMETIC and isinstance(left, int | float) and isinstance(right, int | float)
            and not isinstance(left, bool) and not isinstance(right, bool)
            and max(abs(left), abs(right)) < _MAX_NUMBER):
        return _ARITHMETIC[type(op)](left, right)
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
