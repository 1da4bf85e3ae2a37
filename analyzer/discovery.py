"""Finding a Django project on disk: its settings module, source root and installed apps.

Done the way Django would, but by reading files: ``manage.py``/``wsgi.py``/``asgi.py`` name
the settings module, the settings give ``INSTALLED_APPS``, and each entry (a module or an
``AppConfig`` path) is resolved to its label and dotted name from ``apps.py`` source.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from analyzer.modules import ModuleIndex, default_site_paths
from analyzer.settings import SettingsEvaluator, SettingsValues
from analyzer.source import SourceError, read_tree
from decompose.errors import ProjectNotFound, SettingsNotFound
from decompose.model import Diagnostic, DiagnosticLevel, Location

WAY_OUT = ("pass --settings MODULE, or state the list by hand with installed_apps = [...] "
           "in decompose.toml or [tool.decompose]")

SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "env",
                       "node_modules", "__pycache__", "site-packages", "build", "dist",
                       ".mypy_cache", ".pytest_cache", ".ruff_cache", "static", "media"})
_ENTRY_POINTS = ("manage.py", "wsgi.py", "asgi.py")


@dataclass(frozen=True)
class AppEntry:
    """One installed app: Django's label and dotted name, where its package lives."""

    label: str
    name: str
    directory: Path | None
    external: bool
    config_class: str | None
    default_auto_field: str | None
    location: Location | None


@dataclass(frozen=True)
class Project:
    """A located project: analysed root, import root, settings, apps, and its module index."""

    root: Path
    source_root: Path
    settings: SettingsValues
    apps: tuple[AppEntry, ...]
    index: ModuleIndex
    diagnostics: tuple[Diagnostic, ...]

    def relpath(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


def discover(root: Path, settings: str | None = None,
             site_paths: tuple[Path, ...] | None = None,
             installed_apps: tuple[str, ...] | None = None) -> Project:
    """Locate settings and apps under ``root``; raises only when no project is found at all.
    ``installed_apps`` (the config's list) replaces what the settings say."""
    if not root.exists():
        raise ProjectNotFound("no such path", path=root)
    if not root.is_dir():
        raise ProjectNotFound("not a directory", path=root)
    root = root.resolve()
    source_root, found, configuration = _find_settings(root)
    module = settings or found
    if module is None:
        raise ProjectNotFound("no Django project here: no manage.py, wsgi.py or asgi.py naming "
                              "DJANGO_SETTINGS_MODULE (pass --settings MODULE)", path=root)
    extra = default_site_paths() if site_paths is None else site_paths
    index = ModuleIndex(source_root, extra)
    if index.find(module) is None and settings:
        source_root = _source_root_for(root, module) or source_root
        index = ModuleIndex(source_root, extra)
    if index.find(module) is None:
        raise SettingsNotFound(f"settings module {module!r} not found", path=root)
    evaluator = SettingsEvaluator(index, root)
    values = evaluator.evaluate(
        module, os.environ.get("DJANGO_CONFIGURATION") or configuration)
    if installed_apps is not None:
        values.values["INSTALLED_APPS"] = list(installed_apps)
    if "INSTALLED_APPS" not in values.values:
        raise SettingsNotFound(f"settings module {module!r} defines no INSTALLED_APPS that "
                               f"can be read statically: {WAY_OUT}", path=root)
    diagnostics = list(values.diagnostics)
    apps = _resolve_apps(values, index, root, diagnostics)
    return Project(root, source_root, values, apps, index, tuple(diagnostics))


# -- settings module ------------------------------------------------------------------------

def _find_settings(root: Path) -> tuple[Path, str | None, str | None]:
    """(import root, settings module, django-configurations class) from the shallowest entry
    point naming a settings module."""
    for path in sorted(_entry_points(root), key=lambda p: (len(p.parts), p.name != "manage.py",
                                                           p.as_posix())):
        defaults = _environment_defaults(path)
        module = defaults.get("DJANGO_SETTINGS_MODULE")
        if module is None:
            continue
        configuration = defaults.get("DJANGO_CONFIGURATION")
        if path.name == "manage.py":
            return path.parent, module, configuration
        depth = module.count(".")
        base = path.parent
        for _ in range(max(depth, 1)):
            base = base.parent
        return (base if base.is_relative_to(root) else root), module, configuration
    return root, None, None


def _entry_points(root: Path) -> Iterator[Path]:
    """``manage.py``/``wsgi.py``/``asgi.py`` up to three folders down (depth counted on the
    path string: this runs for every folder of a large project's top levels)."""
    top = str(root)
    for dirpath, dirnames, filenames in os.walk(top):
        if dirpath.count(os.sep, len(top)) < 3:
            dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")]
        else:
            dirnames.clear()
        for name in filenames:
            if name in _ENTRY_POINTS:
                yield Path(dirpath) / name


def _environment_defaults(path: Path) -> dict[str, str]:
    """``os.environ.setdefault(NAME, "value")`` calls of an entry point."""
    try:
        tree = read_tree(path)
    except SourceError:
        return {}
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "setdefault" and len(node.args) == 2
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and isinstance(node.args[1], ast.Constant)
                and isinstance(node.args[1].value, str)):
            found.setdefault(node.args[0].value, node.args[1].value)
    return found


def _source_root_for(root: Path, module: str) -> Path | None:
    first = module.split(".")[0]
    for dirpath, dirnames, _ in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        if first in dirnames:
            return Path(dirpath)
    return None


# -- apps -----------------------------------------------------------------------------------

def _resolve_apps(values: SettingsValues, index: ModuleIndex, root: Path,
                  diagnostics: list[Diagnostic]) -> tuple[AppEntry, ...]:
    apps: dict[str, AppEntry] = {}
    for entry in values.installed_apps:
        app = _resolve_entry(entry, index, root, diagnostics)
        if app.label in apps:
            diagnostics.append(Diagnostic(DiagnosticLevel.WARNING, "duplicate-app-label",
                                          f"app label {app.label!r} is used by "
                                          f"{apps[app.label].name!r} and {app.name!r}"))
            continue
        apps[app.label] = app
    return tuple(apps.values())


def _resolve_entry(entry: str, index: ModuleIndex, root: Path,
                   diagnostics: list[Diagnostic]) -> AppEntry:
    module = index.find(entry)
    package_dir = index.package_dir(entry)
    if module is not None or package_dir is not None:
        config = _default_config(entry, package_dir, index)
        return _app_from(entry, config, package_dir, index, root)
    mod, _, cls = entry.rpartition(".")
    config_module = index.find(mod) if mod else None
    if config_module is not None:
        config = _read_config(config_module.path, cls, index, mod)
        if config is not None:
            name = config.name or mod.rpartition(".")[0]
            return _app_from(name, config, index.package_dir(name), index, root)
    external = not _looks_own(entry, root)
    diagnostics.append(Diagnostic(
        DiagnosticLevel.WARNING, "app-not-found",
        f"installed app {entry!r} was not found on disk"
        + (" (not installed in this environment?)" if external else ""), None))
    return AppEntry(entry.rpartition(".")[2], entry, None, True, None, None, None)


def _looks_own(entry: str, root: Path) -> bool:
    return (root / entry.split(".")[0]).exists()


@dataclass(frozen=True)
class _Config:
    name: str | None
    label: str | None
    default_auto_field: str | None
    qualname: str
    location: Path
    line: int


def _app_from(name: str, config: _Config | None, package_dir: Path | None, index: ModuleIndex,
              root: Path) -> AppEntry:
    if config is not None and config.name:
        name = config.name
        package_dir = index.package_dir(name) or package_dir
    label = (config.label if config and config.label else name.rpartition(".")[2])
    external = package_dir is None or not package_dir.is_relative_to(index.source_root)
    location = None
    if config is not None and config.location.is_relative_to(root):
        location = Location(config.location.relative_to(root).as_posix(), config.line)
    return AppEntry(label, name, package_dir, external, config.qualname if config else None,
                    config.default_auto_field if config else None, location)


def _default_config(name: str, package_dir: Path | None, index: ModuleIndex) -> _Config | None:
    """Django >= 3.2: the single AppConfig subclass in ``apps.py``, or the one with default."""
    found = index.find(f"{name}.apps")
    if found is None:
        return None
    try:
        tree = read_tree(found.path)
    except SourceError:
        return None
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef) and _is_config(n)]
    chosen = [c for c in classes if _class_attrs(c).get("default") is True]
    if not chosen and len(classes) == 1:
        chosen = classes
    if len(chosen) != 1:
        return None
    return _read_config(found.path, chosen[0].name, index, f"{name}.apps", tree=tree)


def _is_config(node: ast.ClassDef) -> bool:
    return any((isinstance(b, ast.Name) and b.id.endswith("Config"))
               or (isinstance(b, ast.Attribute) and b.attr.endswith("Config"))
               for b in node.bases)


def _read_config(path: Path, cls: str, index: ModuleIndex, module: str,
                 depth: int = 0, tree: ast.Module | None = None) -> _Config | None:
    """Read class attributes of an AppConfig, following bases to other modules for defaults."""
    if tree is None:
        try:
            tree = read_tree(path)
        except SourceError:
            return None
    node = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls), None)
    if node is None or depth > 5:
        return None
    attrs = _class_attrs(node)
    inherited = _base_config(tree, node, index, module, depth)
    def pick(key: str) -> str | None:
        value = attrs.get(key)
        if isinstance(value, str):
            return value
        return getattr(inherited, key) if inherited else None
    return _Config(pick("name"), pick("label"), pick("default_auto_field"), f"{module}.{cls}",
                   path, node.lineno)


def _base_config(tree: ast.Module, node: ast.ClassDef, index: ModuleIndex, module: str,
                 depth: int) -> _Config | None:
    for base in node.bases:
        name = base.id if isinstance(base, ast.Name) else None
        if name is None or name == "AppConfig":
            continue
        if any(isinstance(n, ast.ClassDef) and n.name == name for n in tree.body):
            found = index.find(module)
            return _read_config(found.path, name, index, module, depth + 1) if found else None
        for stmt in tree.body:
            if isinstance(stmt, ast.ImportFrom) and not stmt.level and stmt.module:
                for alias in stmt.names:
                    if (alias.asname or alias.name) == name:
                        found = index.find(stmt.module)
                        if found:
                            return _read_config(found.path, alias.name, index, stmt.module,
                                                depth + 1)
    return None


def _class_attrs(node: ast.ClassDef) -> dict[str, object]:
    attrs: dict[str, object] = {}
    for stmt in node.body:
        if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, ast.Constant)):
            attrs[stmt.targets[0].id] = stmt.value.value
    return attrs
