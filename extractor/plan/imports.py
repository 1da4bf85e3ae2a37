"""What moved code imports from apps that stay, and how the service provides each name.

Model-free modules are copied as a shared kernel under the same module path; models, functions
and exceptions become names of the service's ``monolith`` mirror package, reached remotely;
anything else is an error the user must resolve before the cut.
"""

from __future__ import annotations

import ast
import re

from decompose.errors import CannotExtract
from decompose.model import CrossDependency, FileCopy, Handling, Location, MirrorModule, MirrorName
from extractor.plan.scope import Scope

EXCEPTION_BASE = re.compile(r"(Error|Exception|Warning)$")


# Top-level packages of the generated service: project modules of the same name are not copied.
SERVICE_PACKAGES = frozenset({"config", "ops", "tests", "monolith"})
# FileCopy kind of a package __init__ written as a stub (see kernel_files).
TASK_QUEUE_STUB = "stub"


class CrossImports:
    """Collects, in the order they are met, the names moved code takes from apps that stay."""

    def __init__(self, scope: Scope):
        self.scope = scope
        self.source = scope.source
        self.dependencies: list[CrossDependency] = []
        self.kernel: dict[str, bool] = {}
        self.mirrors: dict[str, dict[str, MirrorName]] = {}

    def scan(self, path: str) -> None:
        """Every absolute import of the moved file at ``path``."""
        tree = self.source.tree(path)
        if tree is None:
            return
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                self.use(node.module, [a.name for a in node.names], Location(path, node.lineno))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if self._stays(alias.name) and not self._is_kernel(alias.name):
                        self.dependencies.append(CrossDependency(
                            Location(path, node.lineno), alias.name, Handling.ERROR,
                            "plain module import of an app that stays; use from-imports"))

    def use(self, module: str, names: list[str], where: Location) -> None:
        """Record that moved code (or a copied setting) uses ``names`` of ``module``."""
        if not self._stays(module):
            return
        if self._is_kernel(module):
            self.dependencies.append(CrossDependency(where, module, Handling.KERNEL,
                                                     "copied under the same module path"))
            for name in names:  # from package import submodule: the submodule comes too
                submodule = f"{module}.{name}"
                if self.source.path_of(submodule) is not None and not self._is_kernel(
                        submodule):
                    self.dependencies.append(CrossDependency(
                        where, submodule, Handling.ERROR, "a module of an app that stays, "
                        "imported whole (import its functions by name instead)"))
            return
        for name in names:
            kind, target = self._classify(module, name)
            if kind != Handling.ERROR:
                self.mirrors.setdefault(module, {})[name] = MirrorName(name, kind, target)
            self.dependencies.append(CrossDependency(where, f"{module}.{name}", kind, target))

    def refuse_unreachable(self) -> None:
        """A name the service could neither copy nor ask the monolith for would leave an
        import that fails in the service: refused before writing, naming the first one."""
        unreachable = [d for d in self.dependencies if d.handling == Handling.ERROR]
        if not unreachable:
            return
        first = unreachable[0]
        app = self.source.app_of(first.target)
        more = f" (and {len(unreachable) - 1} more)" if len(unreachable) > 1 else ""
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

    def mirror_modules(self) -> tuple[MirrorModule, ...]:
        return tuple(MirrorModule(module, tuple(sorted(names.values())))
                     for module, names in sorted(self.mirrors.items()))

    def kernel_files(self) -> list[FileCopy]:
        """The kernel modules, plus the package ``__init__`` files above them; one that only
        wires the monolith's task queue (``from .celery import app``) is a stub instead:
        the service runs no worker, and the celery module is not the service's."""
        copies: set[str] = set()
        stubs: set[str] = set()
        for module, ok in self.kernel.items():
            path = self.source.path_of(module) if ok else None
            if path is None:
                continue
            copies.add(path)
            parts = module.split(".")
            for depth in range(1, len(parts)):
                package = ".".join(parts[:depth])
                init = self.source.path_of(package)
                if init and init.endswith("__init__.py"):
                    (stubs if self._wires_task_queue(init, package) else copies).add(init)
        return sorted([FileCopy(p, p, "kernel") for p in copies - stubs]
                      + [FileCopy(p, p, TASK_QUEUE_STUB) for p in stubs])

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
        """Abstract-only or model-free modules whose own imports are kernel too."""
        if module in self.kernel:
            return self.kernel[module]
        self.kernel[module] = True  # an import cycle among candidates does not disqualify
        path = self.source.path_of(module)
        ok = path is not None and self.source.tree(path) is not None and not any(
            m.location.path == path and not m.abstract for m in self.scope.graph.models)
        if ok and path is not None:
            for imported in self.source.imports(path, module):
                if self._stays(imported):
                    target = (imported if self.source.path_of(imported)
                              else imported.rpartition(".")[0])
                    if not self._is_kernel(target):
                        ok = False
                        break
        self.kernel[module] = ok
        return ok

    def _classify(self, module: str, name: str, depth: int = 0) -> tuple[Handling, str]:
        """How the mirror provides ``module.name``: a model, function or exception."""
        path = self.source.path_of(module)
        tree = self.source.tree(path) if path else None
        if tree is None or depth > 3:
            return Handling.ERROR, "its source could not be read"
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
                return Handling.REMOTE_FUNCTION, f"{module}.{name}"
            if isinstance(node, ast.ClassDef) and node.name == name:
                model = next((m for m in self.scope.graph.models
                              if m.location.path == path and m.name == name), None)
                if model is not None and not model.abstract:
                    return Handling.REMOTE_MODEL, model.label
                if _is_exception(tree, node):
                    return Handling.REMOTE_EXCEPTION, f"{module}.{name}"
                return Handling.ERROR, "a class that is neither a model nor an exception"
            if isinstance(node, ast.ImportFrom) and any(
                    (a.asname or a.name) == name for a in node.names):
                source = _imported_module(node, module, path)
                original = next(a.name for a in node.names if (a.asname or a.name) == name)
                if source:
                    return self._classify(source, original, depth + 1)
        return Handling.ERROR, "not a model, function or exception of that module"


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
