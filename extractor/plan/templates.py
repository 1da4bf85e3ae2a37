"""What the moved apps' templates need from the monolith to render in the service.

Server-rendered pages move with their app when everything their templates use can be provided:
templates they extend or include (copied into the service's ``templates/`` folder, the first
of Django's loader search path), template tag libraries of apps that stay (copied as shared
kernel modules and named in ``TEMPLATES["OPTIONS"]["libraries"]``), and the URL names they
reverse (the monolith's pages get reverse-only entries in the service's URLconf, so
``{% url 'logout' %}`` still prints the monolith's path, which the proxy keeps routing there),
and the attributes they read on remote rows (allowlisted on the bridge). A template of an
external app the monolith installs (``django/forms/widgets/multiwidget.html`` of
``django.forms``) is found by the service installing that app too.
Whatever cannot be provided is named, and the pages stay on the monolith.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from decompose.model import FileCopy, Level, Location, Rewrite
from decompose.paths import REPORT_DIR
from extractor.plan.environment import parse_installed
from extractor.plan.scope import Scope

SERVICE_TEMPLATES = "templates"
_SKIPPED = frozenset({"node_modules", "site-packages", "__pycache__", REPORT_DIR})
_REFERENCE = re.compile(r"{%\s*(?:extends|include)\s+[\"']([^\"']+)[\"']")
_LOAD = re.compile(r"{%\s*load\s+(.+?)\s*%}")
_URL = re.compile(r"{%\s*url\s+[\"']([^\"']+)[\"']")
_TAG = re.compile(r"{{(.*?)}}|{%(.*?)%}", re.DOTALL)
_ATTRIBUTE = re.compile(r"\.([A-Za-z_]\w*)")
# Libraries Django or the service's installed apps provide (the service installs auth,
# contenttypes, admin, messages, rest_framework and drf_spectacular).
PROVIDED_LIBRARIES = frozenset({"static", "i18n", "l10n", "tz", "cache", "admin_list",
                                "admin_modify", "admin_urls", "log", "rest_framework"})


@dataclass(frozen=True)
class Library:
    """A ``{% load name %}`` library of an app that stays: copied as a kernel module, or
    carried when it imports what stays (CrossImports.use_library)."""

    name: str
    module: str
    loaded_at: Location  # the first template loading it


@dataclass(frozen=True)
class TemplateNeeds:
    copies: tuple[FileCopy, ...] = ()  # monolith templates the service's templates/ gets
    libraries: tuple[Library, ...] = ()
    url_names: tuple[str, ...] = ()  # names the templates reverse
    attributes: frozenset[str] = frozenset()  # names read on objects ({{ a.b }}): b
    missing: tuple[str, ...] = ()  # what cannot be provided, with where it is used
    apps: tuple[str, ...] = ()  # external apps whose templates they use: the service installs


def template_needs(scope: Scope, templates: Iterable[str]) -> TemplateNeeds:
    """Follow ``templates`` (paths of the moved apps' template files) through what they
    extend, include, load, reverse and read."""
    folders = _template_folders(scope)
    external = _external_templates(scope)
    apps: set[str] = set()
    moved = {name for name, path in folders.items() if _in_moved_app(scope, path)}
    copies: dict[str, FileCopy] = {}
    libraries: dict[str, Library] = {}
    url_names: set[str] = set()
    attributes: set[str] = set()
    missing: set[str] = set()
    queue = list(templates)
    seen = set(queue)
    for name, path in folders.items():  # a page of the project's folders, rendered by name
        if path in seen and not _in_moved_app(scope, path):
            copies[name] = FileCopy(path, f"{SERVICE_TEMPLATES}/{name}", "template")
    while queue:
        path = queue.pop()
        try:
            text = scope.source.read(path)
        except (OSError, UnicodeDecodeError) as exc:
            missing.add(f"template {path} cannot be read ({exc.__class__.__name__})")
            continue
        for name in _REFERENCE.findall(text):
            found = folders.get(name)
            if found is None and name in external:
                apps.add(external[name])
                continue
            if found is None:
                missing.add(f"template {name!r} (used by {path}) is not in the monolith")
                continue
            if name not in moved and name not in copies:
                copies[name] = FileCopy(found, f"{SERVICE_TEMPLATES}/{name}", "template")
            if found not in seen:
                seen.add(found)
                queue.append(found)
        for line, loaded in _loads(text):
            for library in loaded:
                if library in PROVIDED_LIBRARIES or library in libraries:
                    continue
                module = _library_module(scope, library)
                installed = None if module else _library_app(scope, library)
                if installed:
                    apps.add(installed)
                elif module is None:
                    missing.add(f"template tag library {library!r} (loaded by {path}) is not "
                                "one the service can install")
                elif scope.source.app_of(module) not in scope.moved:
                    libraries[library] = Library(library, module, Location(path, line))
        url_names.update(_URL.findall(text))
        attributes |= _attributes(text)
    return TemplateNeeds(tuple(copies[name] for name in sorted(copies)),
                         tuple(libraries[name] for name in sorted(libraries)),
                         tuple(sorted(url_names)), frozenset(attributes), tuple(sorted(missing)),
                         tuple(sorted(apps)))


def installed_url_names(folders: Iterable[Path]) -> tuple[str, ...]:
    """The URL names installed apps (their ``folders``) reverse, in their templates (an admin
    skin's pages link to its own views: Grappelli's ``grp_related_lookup``) and their code
    (``reverse("captcha-image", ...)`` in django-simple-captcha's widget, which kiwi's password
    reset form renders): the service's URLconf must name them for those pages to render."""
    names: set[str] = set()
    for folder in folders:
        for file in sorted((folder / "templates").rglob("*")):
            if file.is_file():
                names.update(_URL.findall(file.read_text(encoding="utf-8", errors="replace")))
        for file in sorted(folder.rglob("*.py")):
            tree = parse_installed(file)
            names.update(_reversed(tree) if tree else ())
    return tuple(sorted(names))


def reversed_names(scope: Scope, paths: Iterable[str]) -> tuple[str, ...]:
    """The URL names the project's Python files at ``paths`` (the moved code and its kernel
    copies) reverse: those of the monolith's pages get entries in the service's URLconf, so
    ``reverse("notes-by-slug", ...)`` gives the monolith's path, not ``NoReverseMatch``."""
    names: set[str] = set()
    for path in paths:
        tree = scope.source.tree(path)
        names.update(_reversed(tree) if tree else ())
    return tuple(sorted(names))


def _reversed(tree: ast.Module) -> set[str]:
    """The literal names ``reverse("...")`` and ``reverse_lazy("...")`` calls are given."""
    return {node.args[0].value for node in ast.walk(tree) if isinstance(node, ast.Call)
            and (node.func.attr if isinstance(node.func, ast.Attribute) else getattr(
                node.func, "id", "")) in ("reverse", "reverse_lazy")
            and node.args and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)}


def _attributes(text: str) -> set[str]:
    """Attribute names a template reads (``{{ a.b }}``, ``{% for x in a.c %}``)."""
    return {name for match in _TAG.finditer(text)
            for name in _ATTRIBUTE.findall(match.group(1) or match.group(2))}


def _template_folders(scope: Scope) -> dict[str, str]:
    """Template name -> the file Django would load: project-level ``templates/`` folders first
    (settings' DIRS), then the apps' own, in INSTALLED_APPS order."""
    found: dict[str, str] = {}
    root = scope.source.root
    roots = sorted(p for p in root.rglob("templates") if p.is_dir()
                   and not _SKIPPED.intersection(p.relative_to(root).parts)
                   and not p.relative_to(root).parts[0].startswith(".")
                   and not any(p.is_relative_to(root / a.path) for a in scope.source.own
                               if a.path))
    roots += [scope.source.root / a.path / "templates" for a in scope.source.own if a.path]
    for folder in roots:
        if not folder.is_dir():
            continue
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                name = file.relative_to(folder).as_posix()
                found.setdefault(name, file.relative_to(scope.source.root).as_posix())
    return found


def _external_templates(scope: Scope) -> dict[str, str]:
    """Template name -> the external app (in INSTALLED_APPS order, label order where it is
    not known) whose ``templates`` folder holds it, read from the monolith's environment."""
    found: dict[str, str] = {}
    for app in scope.installed or scope.graph.apps:
        folder = Path(app.path) / "templates" if app.external and app.path else None
        if folder is None or not folder.is_dir():
            continue
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                found.setdefault(file.relative_to(folder).as_posix(), app.name)
    return found


def _in_moved_app(scope: Scope, path: str) -> bool:
    return any(a.path and PurePosixPath(path).is_relative_to(a.path) for a in scope.moved)


def _loads(text: str) -> list[tuple[int, list[str]]]:
    """(line, libraries) of each ``{% load %}``; ``{% load a from lib %}`` loads ``lib``."""
    found = []
    for match in _LOAD.finditer(text):
        words = match.group(1).split()
        names = [words[-1]] if "from" in words else words
        found.append((text.count("\n", 0, match.start()) + 1, names))
    return found


def _library_app(scope: Scope, library: str) -> str | None:
    """The external app (in INSTALLED_APPS order) whose ``templatetags`` holds ``library``
    (Grappelli's ``grp_tags``): the service installs it."""
    for app in scope.installed or scope.graph.apps:
        folder = Path(app.path) / "templatetags" if app.external and app.path else None
        if folder and ((folder / f"{library}.py").is_file()
                       or (folder / library / "__init__.py").is_file()):
            return app.name
    return None


def templates_named(scope: Scope, paths: Iterable[str]) -> list[str]:
    """Templates of the project's own folders (settings' DIRS) the Python files at ``paths``
    name in a string (``template_name = "registration/registration_form.html"``,
    ``get_template_names``, ``render(request, "...")``): the pages they render."""
    project = _project_templates(scope)
    named = set()
    for path in paths:
        tree = scope.source.tree(path)
        named |= {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
                  and isinstance(node.value, str) and node.value in project} if tree else set()
    return sorted(project[name] for name in named)


def overrides(scope: Scope, needs: TemplateNeeds, installed: Iterable[str], admin: bool
              ) -> tuple[TemplateNeeds, tuple[Rewrite, ...]]:
    """``needs`` with the templates of the project's own folders that override those of apps
    the service installs (``installed``: kiwi's ``registration/password_reset_form.html``,
    which Django's password reset view renders), and its ``admin/...`` ones (kiwi's
    ``admin/base_site.html``, a model's ``admin/auth/user/submit_line.html``) when the service
    serves an ``admin`` page; with what they need, when all of it can be provided, else
    ``needs`` as it was, and each such template named in a warning with what is missing:
    the service renders the installed app's instead."""
    shipped = {f.relative_to(folder).as_posix() for app in scope.graph.apps
               if app.external and app.path and app.name in installed
               for folder in [Path(app.path) / "templates"] for f in folder.rglob("*")
               if f.is_file()}
    found_names = {name: path for name, path in _project_templates(scope).items()
                   if (admin and name.startswith("admin/"))
                   or (name in shipped and not name.startswith("admin/"))}
    return with_templates(scope, needs, found_names.values(), "it renders the installed app's")


def error_templates(scope: Scope, needs: TemplateNeeds, names: Iterable[str]
                    ) -> tuple[TemplateNeeds, tuple[Rewrite, ...]]:
    """``needs`` with the project's templates among ``names`` (its ``404.html``, which
    Django's default error views render), as ``with_templates`` adds them."""
    folders = _template_folders(scope)
    return with_templates(scope, needs, [folders[n] for n in names if n in folders],
                          "Django's bare page answers")


def with_templates(scope: Scope, needs: TemplateNeeds, paths: Iterable[str], instead: str
                   ) -> tuple[TemplateNeeds, tuple[Rewrite, ...]]:
    """``needs`` with the project's templates at ``paths`` and what they need, each one whose
    needs cannot all be provided left out and named in a warning with what is missing and
    what the service does ``instead``."""
    notes, copies, libraries = [], {c.target: c for c in needs.copies}, {
        lib.name: lib for lib in needs.libraries}
    url_names, attributes, apps = set(needs.url_names), set(needs.attributes), set(needs.apps)
    for path in sorted(paths):
        found = template_needs(scope, [path])
        if found.missing:
            notes.append(Rewrite(Location(path, 1), "templates", (
                f"the monolith's own template, not the service's ({instead} instead): "
                f"{'; '.join(found.missing)}"), Level.WARNING))
            continue
        copies.update((c.target, c) for c in found.copies)
        libraries.update((lib.name, lib) for lib in found.libraries if lib.name not in libraries)
        url_names.update(found.url_names)
        attributes |= found.attributes
        apps.update(found.apps)
    return TemplateNeeds(
        tuple(copies[t] for t in sorted(copies)),
        tuple(libraries[name] for name in sorted(libraries)), tuple(sorted(url_names)),
        frozenset(attributes), needs.missing, tuple(sorted(apps))), tuple(notes)


def _project_templates(scope: Scope) -> dict[str, str]:
    """Template name -> file, of the project's own folders (not an app's)."""
    own = [a.path for a in scope.source.own if a.path]
    return {name: path for name, path in _template_folders(scope).items()
            if not any(PurePosixPath(path).is_relative_to(o) for o in own)}


def _library_module(scope: Scope, library: str) -> str | None:
    """``core.templatetags.money`` for ``money``, from the project's own apps."""
    for app in scope.source.own:
        module = f"{app.name}.templatetags.{library}"
        if app.path and scope.source.path_of(module):
            return module
    return None
