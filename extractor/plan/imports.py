"""What moved code imports from apps that stay, and how the service provides each name.

Model-free modules are copied as a shared kernel under the same module path; models, functions
and exceptions become names of the service's ``monolith`` mirror package, reached remotely (a
function that only returns a model, as the service's remote model: lookups.py);
constants are copied into the mirror (see constants.py), a custom signal as a stand-in whose
sends the monolith's real one receives as events (see signals.py). A module imported whole
(``from app import services``) gets a mirror of the attributes the file reads on it. Any
other class (a mixin, a form, an enum) comes with its module, copied under the same path when
it defines no concrete model ("carried"): its own imports of staying apps are planned like the
moved code's, so what it touches through the ORM is reached as remote models. Anything else is
an error the user must resolve before the cut.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from decompose.errors import CannotExtract
from decompose.model import CrossDependency, FileCopy, Handling, Location, MirrorModule, MirrorName
from decompose.modules import absolute_module
from extractor.plan.constants import CopiedConstant, copy_constant
from extractor.plan.lookups import LookupReader, remote_user, staying_models
from extractor.plan.scope import Scope

EXCEPTION_BASE = re.compile(r"(Error|Exception|Warning)$")


# Top-level packages of the generated service: project modules of the same name are not copied.
SERVICE_PACKAGES = frozenset({"config", "ops", "tests", "monolith"})
# FileCopy kind of a package __init__ written as a stub (see kernel_files).
TASK_QUEUE_STUB = "stub"
CARRIED = "carried"  # FileCopy kind of a carried module (see CrossImports._carry)
EMPTY_PACKAGE = "package"  # FileCopy kind of an __init__ written empty (see kernel_files)
# The attributes a file reads on a name it imported (None: the name is also used bare).
Attributes = Callable[[str], tuple[str, ...] | None]


class CrossImports:
    """Collects, in the order they are met, the names moved code takes from apps that stay."""

    def __init__(self, scope: Scope):
        self.scope = scope
        self.source = scope.source
        self.dependencies: list[CrossDependency] = []
        self.kernel: set[str] = set()  # the kernel modules the moved code needs, copied
        self._verdicts: dict[str, bool] = {}  # whether a module can be kernel
        self._imports: dict[str, list[str]] = {}  # a decided module -> its staying imports
        self.mirrors: dict[str, dict[str, MirrorName]] = {}
        # carried module -> (its path, the first use that needs it)
        self.carried: dict[str, tuple[str, Location]] = {}
        self._scanned: set[str] = set()
        self._needed_at: Location | None = None
        self._constants: dict[str, CopiedConstant] = {}
        # The monolith's settings modules: their strings configure the monolith (its apps,
        # URLconf, WSGI application), and the service has settings of its own.
        settings = scope.graph.settings
        self._settings_files = {v.location.path for v in settings.values if v.location
                                } if settings else set()
        self._settings_files.add(self.source.path_of(scope.graph.settings_module) or "")
        self._staying = staying_models(scope)
        self._user = remote_user(scope)

    def scan(self, path: str) -> None:
        """Every import of the moved (or carried) file at ``path``; relative ones resolved
        (in a moved app they name the app itself, which does not stay)."""
        self._scanned.add(path)
        tree = self.source.tree(path)
        if tree is None:
            return
        module = self.source.module_of(path)
        package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.level or node.module):
                bound = {a.name: a.asname or a.name for a in node.names}
                source = absolute_module(package, node.module, node.level)
                self.use(source, list(bound), Location(path, node.lineno),
                         _reader(tree, bound))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if self._stays(alias.name) and not self._is_kernel(alias.name):
                        self.dependencies.append(CrossDependency(
                            Location(path, node.lineno), alias.name, Handling.ERROR,
                            "plain module import of an app that stays; use from-imports"))
        self.dependencies += [CrossDependency(where, named, Handling.KERNEL,
                                              "named in a string; copied under the same path")
                              for named, where in self._named_kernel(path, module)]

    def use(self, module: str, names: list[str], where: Location,
            attributes: Attributes | None = None) -> None:
        """Record that moved code (or a copied setting) uses ``names`` of ``module``;
        ``attributes`` tells which attributes the file reads on a name it imported."""
        if not self._stays(module):
            return
        kernel = self._is_kernel(module)
        if kernel:
            self.dependencies.append(CrossDependency(where, module, Handling.KERNEL,
                                                     "copied under the same module path"))
        for name in names:  # from package import submodule: the submodule comes too
            submodule = f"{module}.{name}"
            if self.source.path_of(submodule) is not None:
                if not self._is_kernel(submodule):
                    self._use_whole(submodule, attributes and attributes(name), where)
            elif not kernel:
                self._provide(module, name, where)

    def use_kernel(self, module: str, where: Location) -> bool:
        """Copy ``module`` of an app that stays, which the monolith's settings or root URLconf
        name by string (kiwi's ``tcms.core.context_processors``), when it is kernel; whether
        the service has it then."""
        if not self._stays(module) or not self._is_kernel(module):
            return False
        self.dependencies.append(CrossDependency(where, module, Handling.KERNEL,
                                                 "copied under the same module path"))
        return True

    def use_library(self, module: str, where: Location) -> None:
        """A template library of an app that stays, which a moved template loads by its
        module path (``{% load form_media %}``): copied as kernel when it is one, else carried
        (its imports planned like the moved code's), since its tags are registered on its
        ``register`` as the module runs, which no mirror can stand in for (pretalx's
        ``form_media`` imports the forms widgets, which import a staying model)."""
        path = self.source.path_of(module)
        if not self._stays(module) or path is None or self._is_kernel(module):
            self.use(module, ["register"], where)
            return
        beside = next((m for m in self.scope.graph.models
                       if m.location.path == path and not m.abstract), None)
        if beside is not None:
            self.dependencies.append(CrossDependency(
                where, module, Handling.ERROR, f"a template library defined beside the model "
                f"{beside.label}"))
            return
        self._needed_at = where
        self._carry(module, path)
        self.dependencies.append(CrossDependency(where, module, Handling.CARRIED,
                                                 "a template library, copied with its imports"))

    def _use_whole(self, module: str, read: tuple[str, ...] | None, where: Location) -> None:
        """A module imported whole: its mirror provides the attributes the file reads."""
        if read is None:
            self.dependencies.append(CrossDependency(
                where, module, Handling.ERROR, "a module of an app that stays, imported whole "
                "and used as a value, not only through its attributes (import its functions "
                "by name instead)"))
            return
        self.mirrors.setdefault(module, {})
        for attribute in read:
            self._provide(module, attribute, where)

    def _provide(self, module: str, name: str, where: Location) -> None:
        self._needed_at = where
        kind, target = self._classify(module, name)
        if kind == Handling.CONSTANT:
            copied = self._constants[target]
            self.mirrors.setdefault(module, {})[name] = MirrorName(
                name, kind, target, copied.statements, copied.imports)
        elif kind == Handling.SIGNAL:  # one stand-in, in its defining module's mirror
            copied = self._constants[target]
            defining, _, original = target.rpartition(".")
            self.mirrors.setdefault(defining, {})[original] = MirrorName(
                original, kind, target, copied.statements, copied.imports)
            if (defining, original) != (module, name):
                self.mirrors.setdefault(module, {})[name] = MirrorName(name, kind, target)
        elif kind != Handling.ERROR:
            self.mirrors.setdefault(module, {})[name] = MirrorName(name, kind, target)
        if kind == Handling.MODEL_GETTER:  # its calls become the model's remote model
            self.mirror_model(target)
        self.dependencies.append(CrossDependency(where, f"{module}.{name}", kind, target))

    def scan_carried(self) -> None:
        """Scan the carried modules (and those their imports carry in turn)."""
        while pending := [path for path, _ in self.carried.values()
                          if path not in self._scanned]:
            for path in pending:
                self.scan(path)

    def carried_files(self) -> list[FileCopy]:
        return sorted(FileCopy(path, path, CARRIED) for path, _ in self.carried.values())

    def _carry(self, module: str, path: str) -> None:
        """Copy ``module`` into the service, its imports planned like the moved code's (the
        package ``__init__`` files above it come as kernel copies or empty packages)."""
        if module in self.carried or self._needed_at is None:
            return
        self.carried[module] = (path, next(  # for a carried module: what carried that one
            (why for carrier, why in self.carried.values() if carrier == self._needed_at.path),
            self._needed_at))

    def refuse_unreachable(self) -> None:
        """A name the service could neither copy nor ask the monolith for would leave an
        import that fails in the service: refused before writing, naming the first one."""
        unreachable = [d for d in self.dependencies if d.handling == Handling.ERROR]
        if not unreachable:
            return
        first = unreachable[0]
        app = self.source.app_of(first.target)
        more = f" (and {len(unreachable) - 1} more)" if len(unreachable) > 1 else ""
        carrier = next(((p, why) for p, why in self.carried.values()
                        if p == first.location.path), None)
        if carrier:
            more += f" (the service copies {carrier[0]} for {carrier[1]})"
        raise CannotExtract(
            f"{first.target}: {first.note}, so the service cannot import it{more}; move it "
            f"to a module of {app.label if app else 'the project'} without models (the "
            f"service copies those) or extract {app.label if app else 'its app'} too",
            path=first.location.path, line=first.location.line)

    def mirror_model(self, label: str) -> None:
        """Mirror a model that a replaced relation points at, even if no code imports it."""
        model = self.scope.graph.model(label)
        app_label, _, name = label.partition(".")
        external = next((a for a in self.scope.graph.apps
                         if a.external and a.label == app_label), None)
        if model is not None and model.app in self.scope.own_labels:
            module, name = self.source.module_of(model.location.path), model.name
        elif model is None and external is not None:  # auth.User: where Django's code has it
            module = f"{external.name}.models"
        else:
            return
        self.mirrors.setdefault(module, {}).setdefault(
            name, MirrorName(name, Handling.REMOTE_MODEL, label))

    def mirrored_names(self) -> list[MirrorName]:
        """Every mirrored name, in the order first met."""
        return [n for mirror in self.mirrors.values() for n in mirror.values()]

    def stand_in_signals(self) -> tuple[str, ...]:
        """The signals of apps that stay the service has as stand-ins (dotted paths)."""
        return tuple(sorted({n.target for n in self.mirrored_names()
                             if n.handling == Handling.SIGNAL}))

    def mirror_modules(self) -> tuple[MirrorModule, ...]:
        return tuple(MirrorModule(module, tuple(sorted(names.values())))
                     for module, names in sorted(self.mirrors.items()))

    def kernel_files(self) -> list[FileCopy]:
        """The kernel modules, plus the package ``__init__`` files above them and above the
        carried modules; one that only wires the monolith's task queue (``from .celery
        import app``) is a stub instead: the service runs no worker, and the celery module is
        not the service's. Above a carried module, an ``__init__`` that is not kernel is an
        empty package: re-exporting the package's every module (pretalx's forms package)
        would carry them all, and the mirrors re-export from the defining modules anyway.
        Deciding an ``__init__`` may make more modules kernel (the package's imports, pretalx's
        ``common/forms/forms.py``): they are walked in turn, until none is new."""
        copies: set[str] = set()
        stubs: set[str] = set()
        empty: set[str] = set()
        carried = {path for path, _ in self.carried.values()}
        walked: set[str] = set()
        while pending := [m for m in [*sorted(self.kernel), *self.carried] if m not in walked]:
            walked.update(pending)
            self._package_files(pending, carried, copies, stubs, empty)
        return sorted([FileCopy(p, p, "kernel") for p in copies - stubs - empty]
                      + [FileCopy(p, p, TASK_QUEUE_STUB) for p in stubs]
                      + [FileCopy(p, p, EMPTY_PACKAGE) for p in empty - stubs])

    def _package_files(self, modules: list[str], carried: set[str], copies: set[str],
                       stubs: set[str], empty: set[str]) -> None:
        """Sort ``modules`` and the package ``__init__`` files above them into ``copies``,
        ``stubs`` and ``empty`` (see kernel_files)."""
        for module in modules:
            path = self.source.path_of(module)
            if path is None:
                continue
            if path not in carried:
                copies.add(path)
            parts = module.split(".")
            for depth in range(1, len(parts)):
                package = ".".join(parts[:depth])
                init = self.source.path_of(package)
                if not init or not init.endswith("__init__.py") or init in carried:
                    continue
                if self._wires_task_queue(init, package):
                    stubs.add(init)
                elif self._stays(package) and not self._is_kernel(package):
                    empty.add(init)
                else:
                    copies.add(init)

    def _wires_task_queue(self, init: str, package: str) -> bool:
        """Whether the package ``__init__`` imports a module of the project that imports
        Celery (the project's ``celery.py``, imported for its side effect)."""
        for module in self.source.imports(init, package):
            path = self.source.path_of(module)
            if path and path != init and any(
                    m == "celery" or m.startswith("celery.")
                    for m in self.source.imports(path, module)):
                return True
        return False

    def _stays(self, module: str) -> bool:
        """Whether ``module`` belongs to an own app that is not moved, or is a module of the
        project outside any app (``kernel/money.py``) whose name the service does not use
        for its own packages."""
        app = self.source.app_of(module)
        if app is None:
            return (module.partition(".")[0] not in SERVICE_PACKAGES
                    and self.source.path_of(module) is not None)
        return not app.external and app.label not in self.scope.moved_labels

    def _is_kernel(self, module: str) -> bool:
        """Abstract-only or model-free modules whose own imports are kernel too; one that is
        kernel is copied with the modules it imports."""
        if module not in self._verdicts:
            self._decide(module)
        if self._verdicts[module]:
            self._copy_kernel(module)
        return self._verdicts[module]

    def _decide(self, module: str) -> None:
        """Decide ``module`` and everything it reaches through staying imports at once: a
        module is kernel unless it reaches one that is unreadable or defines a concrete
        model. Modules importing each other in a cycle are kernel together; deciding on the
        whole closure keeps the verdict independent of the order modules are met in (set
        order: two runs of the same extraction once copied different kernels)."""
        imports: dict[str, list[str]] = {}  # what this decision walks (decided ones: leaves)
        failed: list[str] = []
        pending = [module]
        while pending:
            current = pending.pop()
            if current in imports:
                continue
            path = self.source.path_of(current)
            imports[current] = []
            if current in self._verdicts:
                if not self._verdicts[current]:
                    failed.append(current)
            elif path is None or self.source.tree(path) is None or any(
                    m.location.path == path and not m.abstract for m in self.scope.graph.models):
                failed.append(current)
            else:
                imports[current] = self._imports[current] = self._staying_imports(path, current)
                pending += imports[current]
        importers: dict[str, list[str]] = {}
        for importer, imported in imports.items():
            for target in imported:
                importers.setdefault(target, []).append(importer)
        reaching = set(failed)
        while failed:
            for importer in importers.get(failed.pop(), ()):
                if importer not in reaching:
                    reaching.add(importer)
                    failed.append(importer)
        for decided in imports:
            self._verdicts.setdefault(decided, decided not in reaching)

    def _staying_imports(self, path: str, module: str) -> list[str]:
        """The staying modules the file imports (a name imported from a module that is not a
        file stands for that module's package), sorted."""
        return sorted({imported if self.source.path_of(imported) else imported.rpartition(".")[0]
                       for imported in self.source.imports(path, module)
                       | self._submodules(path, module) if self._stays(imported)})

    def _copy_kernel(self, module: str) -> None:
        """Copy a kernel module with the modules it imports, and those its strings name."""
        pending = [module]
        while pending:
            current = pending.pop()
            path = self.source.path_of(current)
            if current in self.kernel or path is None:
                continue
            self.kernel.add(current)
            pending += self._imports[current]  # every kernel module was decided on them
            self._named_kernel(path, current)

    def _named_kernel(self, path: str, module: str) -> list[tuple[str, Location]]:
        """The modules of staying apps the copied file names in strings (dotted.py) that come
        as kernel: the service may import them by that string (a DRF settings module's
        defaults). One that is not kernel stays behind: a string proves no import, and the
        service's own checks name it if it is imported after all. The monolith's settings are
        neither followed nor copied this way."""
        if path in self._settings_files:
            return []
        return [(named, Location(path, line))
                for named, line in self.source.named_modules(path).items()
                if named != module and self._stays(named)
                and self.source.path_of(named) not in self._settings_files
                and self._is_kernel(named)]

    def _submodules(self, path: str, module: str) -> set[str]:
        """The modules ``from package import submodule`` in the file names (taiga's
        ``from . import views``): they must come with the file as much as its other imports."""
        tree = self.source.tree(path)
        package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, ast.ImportFrom):
                base = absolute_module(package, node.module, node.level)
                found.update(f"{base}.{a.name}" for a in node.names
                             if self.source.path_of(f"{base}.{a.name}") is not None)
        return found

    def _classify(self, module: str, name: str, depth: int = 0) -> tuple[Handling, str]:
        """How the mirror provides ``module.name``: a remote model, function or exception, a
        copied literal, or a class re-exported from the service's copy of its module."""
        path = self.source.path_of(module)
        tree = self.source.tree(path) if path else None
        if path is None or tree is None or depth > 3:
            return Handling.ERROR, "its source could not be read"
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
                returned = LookupReader(self.scope, path, self._user).getter(node)
                if returned and returned.lower() in self._staying:
                    return Handling.MODEL_GETTER, self._staying[returned.lower()]
                return Handling.REMOTE_FUNCTION, f"{module}.{name}"
            if isinstance(node, ast.ClassDef) and node.name == name:
                model = next((m for m in self.scope.graph.models
                              if m.location.path == path and m.name == name), None)
                if model is not None and not model.abstract:
                    return Handling.REMOTE_MODEL, model.label
                if _is_exception(tree, node):
                    return Handling.REMOTE_EXCEPTION, f"{module}.{name}"
                return self._copied_class(module, path, name)
            if isinstance(node, ast.Assign | ast.AnnAssign) and _assigns(node, name):
                return self._constant(module, path, tree, name)
            if isinstance(node, ast.ImportFrom) and any(
                    (a.asname or a.name) == name for a in node.names):
                source = _imported_module(node, module, path)
                original = next(a.name for a in node.names if (a.asname or a.name) == name)
                if source:
                    return self._classify(source, original, depth + 1)
        return Handling.ERROR, "not a model, function, exception or constant of that module"

    def _constant(self, module: str, path: str, tree: ast.Module, name: str
                  ) -> tuple[Handling, str]:
        package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
        copied = copy_constant(self.source.read(path), tree, package, name,
                               lambda m: self._stays(m) and self._is_kernel(m))
        if isinstance(copied, str):
            return Handling.ERROR, copied
        self._constants[f"{module}.{name}"] = copied
        return Handling.SIGNAL if copied.signal else Handling.CONSTANT, f"{module}.{name}"

    def _copied_class(self, module: str, path: str, name: str) -> tuple[Handling, str]:
        """A class that is neither a model nor an exception comes with its module: as kernel
        when it is one, else carried when the module defines no concrete model."""
        if self._is_kernel(module):
            return Handling.KERNEL, f"{module}.{name}"
        beside = next((m for m in self.scope.graph.models
                       if m.location.path == path and not m.abstract), None)
        if beside is not None:
            return Handling.ERROR, (f"a class that is neither a model nor an exception, "
                                    f"defined beside the model {beside.label}")
        self._carry(module, path)
        return Handling.CARRIED, f"{module}.{name}"


def _reader(tree: ast.Module, bound: dict[str, str]) -> Attributes:
    """For an import's names, the attributes the module reads on the local name each binds."""
    return lambda name: _attributes_read(tree, bound[name])


def _attributes_read(tree: ast.Module, name: str) -> tuple[str, ...] | None:
    """The attributes the module reads on ``name`` (``services.count`` -> count); None when
    ``name`` is also used bare (passed as a value, so no list of attributes is complete)."""
    read: set[str] = set()
    through: set[int] = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id == name):
            read.add(node.attr)
            through.add(id(node.value))
    bare = any(isinstance(node, ast.Name) and node.id == name and id(node) not in through
               for node in ast.walk(tree))
    return None if bare else tuple(sorted(read))


def _assigns(node: ast.Assign | ast.AnnAssign, name: str) -> bool:
    """Whether the module-level assignment binds ``name`` (``KIND = "verify"``)."""
    if isinstance(node, ast.Assign):
        return any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
    return (isinstance(node.target, ast.Name) and node.target.id == name
            and node.value is not None)


def _imported_module(node: ast.ImportFrom, module: str, path: str | None) -> str | None:
    """The absolute name of the module a from-import reads; relative ones resolved against
    ``module`` (a package ``__init__`` re-exporting its submodules' models: ``from .user
    import User``). None for ``from . import name``, whose name is a module, not a member."""
    if not node.level:
        return node.module
    package = module if path and path.endswith("__init__.py") else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if package and node.module else None


def _is_exception(tree: ast.Module, node: ast.ClassDef, depth: int = 0) -> bool:
    """Whether the class derives, within its module, from something named like an exception."""
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    for base in node.bases:
        name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
        if EXCEPTION_BASE.search(name):
            return True
        if name in classes and depth < 5 and _is_exception(tree, classes[name], depth + 1):
            return True
    return False
