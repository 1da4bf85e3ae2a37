"""Read-only access to the monolith's code, by file and by module, parsed once.

Modules are found the way the analyzer finds them (``decompose.modules``), under the import
root ``graph.json`` names: the planner reads the monolith statically and never imports it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path, PurePosixPath

import libcst as cst

from decompose.errors import CannotExtract
from decompose.model import App
from decompose.modules import ModuleIndex, absolute_module, module_name
from extractor.plan.dotted import dotted_strings, named_module
from extractor.plan.python_version import RUNNING


class Source:
    """The monolith at ``root``; paths are relative POSIX, modules are dotted."""

    def __init__(self, root: Path, apps: Sequence[App], import_root: str):
        self.root = Path(root)
        self.apps = tuple(apps)
        self.own = tuple(a for a in self.apps if not a.external and a.path)
        self.import_root = PurePosixPath(import_root)
        self.index = ModuleIndex(self.root / import_root, ())

    def read(self, path: str) -> str:
        return (self.root / path).read_text(encoding="utf-8")

    @cache  # noqa: B019 - one Source per plan; the cache dies with it
    def tree(self, path: str) -> ast.Module | None:
        try:
            return ast.parse(self.read(path), filename=path)
        except (OSError, SyntaxError, UnicodeDecodeError):
            return None

    def class_def(self, path: str, name: str) -> ast.ClassDef | None:
        """The class ``name`` defined in the file (at any depth: the first found)."""
        tree = self.tree(path)
        return next((n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)
                     and n.name == name), None) if tree else None

    def require_parsed(self, path: str, grammar: str = RUNNING) -> None:
        """Refuse a moved module Python ``grammar`` (the project's newest) cannot read: the
        codemods would copy it unchanged and the service would fail at import, far from the
        cause. Grammar newer than decompose's own is libcst's (it reads Python 3.0 to 3.14)."""
        try:
            ast.parse(self.read(path), filename=path)
        except SyntaxError as error:
            if _newer(grammar, RUNNING):
                _require_newer_grammar(self.read(path), path, grammar)
                return
            raise CannotExtract(f"syntax error: {error.msg}; fix it before extracting",
                                path=path, line=error.lineno) from None
        except UnicodeDecodeError as error:
            line = (self.root / path).read_bytes()[: error.start].count(b"\n") + 1
            raise CannotExtract("not UTF-8 text; fix its encoding before extracting",
                                path=path, line=line) from None
        except OSError as error:
            raise CannotExtract(f"unreadable: {error.strerror}", path=path) from None

    def files(self, directory: str) -> list[str]:
        """The files of an app that ship with it: no tests, migrations or byte code."""
        return [path for path, test in self._app_files(directory) if not test]

    def test_files(self, directory: str) -> list[str]:
        """The app's own test modules (``tests/``, ``tests.py``, ``test_*.py``)."""
        return [path for path, test in self._app_files(directory) if test]

    def _app_files(self, directory: str) -> list[tuple[str, bool]]:
        base = self.root / directory
        found = []
        for path in sorted(base.rglob("*")):
            rel = path.relative_to(base)
            if (not path.is_file() or path.suffix == ".pyc" or path.name.startswith(".")
                    or {"migrations", "__pycache__"}.intersection(rel.parts)):
                continue
            test = ("tests" in rel.parts or path.name.startswith("test_")
                    or path.name == "tests.py")
            if not test or path.suffix == ".py":
                found.append((path.relative_to(self.root).as_posix(), test))
        return found

    def imports(self, path: str, module: str = "") -> set[str]:
        """The modules the file at ``path`` imports; relative imports are resolved against
        ``module``, or left as their written module name when it is not given."""
        tree = self.tree(path)
        if tree is None:
            return set()
        return imported_modules(tree, module, bool(module) and path.endswith("__init__.py"))

    def named_modules(self, path: str) -> dict[str, int]:
        """The own modules the file at ``path`` names in dotted strings (dotted.py), each with
        the line of its first mention: what it may import by string."""
        tree = self.tree(path)
        found: dict[str, int] = {}
        for dotted, line in dotted_strings(tree).items() if tree else ():
            module = named_module(dotted, self._module_tree)
            if module is not None:
                found.setdefault(module, line)
        return found

    def _module_tree(self, module: str) -> ast.Module | None:
        path = self.path_of(module)
        return self.tree(path) if path else None

    def app_of(self, module: str) -> App | None:
        found = [a for a in self.apps if module == a.name or module.startswith(a.name + ".")]
        return max(found, key=lambda a: len(a.name), default=None)

    def path_of(self, module: str) -> str | None:
        """Monolith-relative file of an own module (``pkg/mod.py`` or ``pkg/__init__.py``)."""
        app = self.app_of(module)
        if app is not None and (app.external or not app.path):
            return None
        found = self.index.find(module)
        return None if found is None else found.path.relative_to(self.root).as_posix()

    def module_of(self, path: str) -> str:
        """The dotted module of the monolith-relative file ``path``."""
        inner = PurePosixPath(path)
        if inner.is_relative_to(self.import_root):
            inner = inner.relative_to(self.import_root)
        return module_name(inner)


def imported_modules(tree: ast.Module, module: str, is_package: bool) -> set[str]:
    """The modules ``tree`` (the source of ``module``) imports, relative ones resolved."""
    package = module if is_package else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.add(absolute_module(package, node.module, node.level))
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def _newer(version: str, than: str) -> bool:
    return tuple(map(int, version.split("."))) > tuple(map(int, than.split(".")))


def _require_newer_grammar(text: str, path: str, grammar: str) -> None:
    try:
        config = cst.PartialParserConfig(python_version=grammar)
    except ValueError:  # newer than this libcst knows: its newest grammar
        config = cst.PartialParserConfig()
    try:
        cst.parse_module(text, config=config)
    except cst.ParserSyntaxError as error:
        detail = re.sub(r"^parser error: error at \d+:\d+: ", "", error.message)
        raise CannotExtract(f"syntax error (read as Python {grammar}): {detail}; fix it "
                            "before extracting", path=path, line=error.raw_line) from None
