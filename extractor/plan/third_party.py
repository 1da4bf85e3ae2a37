"""External apps the service must install, and the requirements of what the moved code imports."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable
from pathlib import Path

from decompose.model import App
from decompose.modules import ModuleIndex, absolute_module
from extractor.plan.dotted import dotted_strings, named_module
from extractor.plan.environment import MonolithEnvironment, parse_installed
from extractor.plan.files import admin_apps
from extractor.plan.scope import Scope
from extractor.plan.settings import REPLACED_BACKENDS
from extractor.plan.source import imported_modules
from extractor.requirements_files import distribution
from extractor.spec import SKELETON_APPS, SKELETON_REQUIREMENTS

_SKELETON = frozenset(map(distribution, SKELETON_REQUIREMENTS))


def third_party(scope: Scope, python: Iterable[tuple[str, str]],
                drf: tuple[tuple[str, str], ...], environment: MonolithEnvironment,
                template_apps: Iterable[str] = (), configured: Iterable[str] = ()
                ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """External apps the moved code or the copied DRF settings use, and a requirement for each
    of them and each library the moved code imports (``yaml``), from the version installed in
    the monolith's ``environment`` (the monolith's own pin replaces it later, where it has
    one); what the skeleton installs or requires already is left out. An app counts as used
    when the code imports it or one of its modules (``easy_thumbnails.files`` imports
    ``easy_thumbnails.models``, which needs the app installed), names it in a dotted string,
    or imports its models (Django's own ``django.contrib.sites`` too: a model class of an app
    that is not installed fails at import), and so does every external app whose models those
    apps' models import in turn (their dependencies), and ``template_apps``, whose templates
    the moved pages use. The modules the service's settings name (``configured``: the
    monolith's middleware and static files storage it runs) count as imported
    (django-minify-html's middleware, of an app of the monolith too)."""
    python = tuple(python)
    index = ModuleIndex(scope.source.root / scope.source.import_root, environment.site_paths)
    imported = {module for path, name in python for module in scope.source.imports(path, name)
                } | _installed_named(scope, [path for path, _ in python], environment, index
                                     ) | set(configured)
    text = " ".join(value for _, value in drf) + " ".join(
        original for original, new in REPLACED_BACKENDS.items() if new in str(drf))
    external = [a for a in scope.graph.apps if a.external and a.name not in SKELETON_APPS]
    used = {app.name for app in external if _models_imported(app, imported) or (
        not app.name.startswith(("django.", "rest_framework")) and (app.name in text or any(
            m == app.name or m.startswith(f"{app.name}.") for m in imported)))}
    used |= {name for name in template_apps if name not in SKELETON_APPS}
    pending = list(used)
    while pending:  # the apps whose models the used apps' models import
        name = pending.pop()
        app = next(a for a in external if a.name == name)
        for needed in external:
            if needed.name not in used and _models_imported(needed, _models_imports(app)):
                used.add(needed.name)
                pending.append(needed.name)
    libraries = {module.split(".")[0] for module in imported}
    libraries = {top for top in libraries if top and top not in sys.stdlib_module_names
                 and not (scope.source.root / top).exists()
                 and not (scope.source.root / f"{top}.py").exists()}
    libraries |= loaded_extras(imported, environment, index)
    found = {environment.distribution_of(module) for module in used | libraries}
    return tuple(sorted(used)), tuple(sorted(
        _requirement(*d) for d in found if d and distribution(d[0]) not in _SKELETON))


def admin_skins(scope: Scope) -> tuple[str, ...]:
    """The monolith's admin skins (grappelli, jazzmin, admin_interface), when the service's
    admin serves a moved app's pages: external apps its INSTALLED_APPS lists before Django's
    admin that ship templates of the admin's own names (``templates/admin/base_site.html``),
    which win over the admin's because they come first. The service installs them before its
    admin, in that order, so the moved admin pages are the monolith's look. None when
    INSTALLED_APPS is not known statically: the order is what decides."""
    if not admin_apps(scope):
        return ()
    admin = next((a for a in scope.installed if a.label == "admin"), None)
    if admin is None or admin.path is None:
        return ()
    admin_templates = _templates(Path(admin.path))
    return tuple(a.name for a in scope.installed[:scope.installed.index(admin)]
                 if a.external and a.path and a.name not in SKELETON_APPS
                 and admin_templates & _templates(Path(a.path)))


def _templates(app_folder: Path) -> set[str]:
    """The names of the ``admin/`` templates an installed app ships."""
    folder = app_folder / "templates"
    return {f.relative_to(folder).as_posix() for f in sorted((folder / "admin").rglob("*"))
            if f.is_file()}


def _installed_named(scope: Scope, paths: Iterable[str], environment: MonolithEnvironment,
                     index: ModuleIndex) -> set[str]:
    """Installed modules the files at ``paths`` name in dotted strings (dotted.py): imported
    by string (``import_string``), they must be installed in the service as much as those the
    files import."""
    trees: dict[str, ast.Module | None] = {}

    def tree_of(module: str) -> ast.Module | None:
        if module not in trees:
            found = index.find(module)
            trees[module] = (None if found is None or index.is_own(found)
                             else parse_installed(found.path))
        return trees[module]

    named = set()
    for path in paths:
        tree = scope.source.tree(path)
        for dotted in dotted_strings(tree) if tree else ():
            top = dotted.partition(".")[0]
            if top not in sys.stdlib_module_names and environment.distribution_of(top):
                named.add(named_module(dotted, tree_of))
    return {m for m in named if m}


def loaded_extras(imported: set[str], environment: MonolithEnvironment, index: ModuleIndex,
                   ) -> set[str]:
    """Top-level packages of other distributions that the installed modules the moved code
    imports load in turn, which their own distribution does not require: an extra the
    monolith installed (tandoor's ``storages.backends.s3boto3`` -> ``storages.backends.s3``
    imports boto3, django-storages' ``s3`` extra; the service failed to import it). Followed
    within each distribution, not into the skeleton's (Django, DRF: installed with their
    needs); what another such package requires already (botocore, by boto3) is left out."""
    found: set[str] = set()
    seen: set[str] = set()
    pending = sorted(imported)
    while pending:
        module = pending.pop()
        provider = environment.distribution_of(module) if module not in seen else None
        seen.add(module)
        if provider is None or distribution(provider[0]) in _SKELETON:
            continue
        located = index.find(module)
        tree = (parse_installed(located.path) if located is not None
                and not index.is_own(located) else None)
        for name in _loaded_imports(tree, module, located.is_package) if tree and located else ():
            other = environment.distribution_of(name)
            if other is None:
                continue
            if other[0] == provider[0]:
                pending.append(name)
            elif distribution(other[0]) not in environment.requires(provider[0]):
                found.add(name.split(".")[0])
    providers = {top: distribution(d[0]) for top in found
                 if (d := environment.distribution_of(top)) is not None}
    covered = {needed for name in providers.values() for needed in environment.requires(name)}
    return {top for top, name in providers.items() if name not in covered}


def _loaded_imports(tree: ast.Module, module: str, is_package: bool) -> set[str]:
    """The modules ``tree`` needs when it is loaded: imported at module level, in class bodies,
    ``with`` blocks and ``try`` blocks whose handlers raise (django-storages' ``except
    ImportError: raise ImproperlyConfigured``); not in functions (run later, if ever), under
    an ``if`` (redis' ``if HIREDIS_AVAILABLE: import hiredis``) or in a ``try`` with a
    fallback: those may be optional."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(statements: list[ast.stmt]) -> None:
        for node in statements:
            if isinstance(node, ast.ImportFrom):
                found.add(absolute_module(package, node.module, node.level))
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.Try | ast.TryStar):
                # a fallback (``except ImportError: hiredis = None``) makes the body optional
                required = all(any(isinstance(s, ast.Raise) for s in handler.body)
                               for handler in node.handlers)
                visit([*(node.body if required else ()), *node.orelse, *node.finalbody])
            elif isinstance(node, ast.With | ast.ClassDef):
                visit(node.body)

    visit(tree.body)
    return found


def _models_imported(app: App, modules: set[str]) -> bool:
    """Whether ``modules`` name the models of ``app``, an app with tables of its own (a
    ``migrations`` package: ``django.forms.models`` holds ModelForm, not models)."""
    models = f"{app.name}.models"
    return app.path is not None and (Path(app.path) / "migrations").is_dir() and any(
        m == models or m.startswith(f"{models}.") for m in modules)


def _models_imports(app: App) -> set[str]:
    """The modules the installed app's ``models`` module (file or package ``__init__``)
    imports, read from its source, never imported."""
    folder = Path(app.path) if app.path else None
    for path, package in ((folder / "models.py", False),
                          (folder / "models" / "__init__.py", True)) if folder else ():
        tree = parse_installed(path)
        if tree is not None:
            return imported_modules(tree, f"{app.name}.models", package)
    return set()


def _requirement(name: str, version: str) -> str:
    """``django-filter`` 25.1.2 -> ``django-filter>=25.1,<26``: that release's series."""
    major = version.split(".")[0]
    return f"{name}>={'.'.join(version.split('.')[:2])},<{int(major) + 1}"
