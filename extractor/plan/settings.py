"""What of the monolith's settings the service carries over, and where the patch edits them.

Everything here comes from the settings facts of ``graph.json`` (the analyzer's evaluator):
the extractor never evaluates the monolith's settings itself.
"""

from __future__ import annotations

import ast
import json
import pprint
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from decompose.errors import DecomposeError
from decompose.model import Location, SettingForm, SettingsFacts, SettingValue
from decompose_runtime.names import REMOTE_AWARE_FILTER_BACKEND
from extractor.plan.environment import parse_installed
from extractor.plan.source import Source
from extractor.spec import CarriedSetting

# REST_FRAMEWORK keys copied for API parity; authentication is the service's own (tokens).
DRF_PARITY_KEYS = ("DEFAULT_PERMISSION_CLASSES", "DEFAULT_PAGINATION_CLASS", "PAGE_SIZE",
                   "DEFAULT_FILTER_BACKENDS", "ORDERING_PARAM", "SEARCH_PARAM",
                   "DEFAULT_THROTTLE_CLASSES", "DEFAULT_THROTTLE_RATES", "DATETIME_FORMAT",
                   "COERCE_DECIMAL_TO_STRING", "DEFAULT_VERSIONING_CLASS")
# Backends swapped for ones that understand foreign keys that became id columns.
REPLACED_BACKENDS = {"django_filters.rest_framework.DjangoFilterBackend":
                     REMOTE_AWARE_FILTER_BACKEND.dotted}


# Settings the service decides for itself: moved code reading them gets the service's value.
SERVICE_OWNED = frozenset({"DATABASES", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "INSTALLED_APPS",
                           "MIDDLEWARE", "ROOT_URLCONF", "WSGI_APPLICATION", "TEMPLATES",
                           "CACHES", "LOGGING", "REST_FRAMEWORK", "STATIC_URL", "STATIC_ROOT",
                           "MEDIA_URL", "MEDIA_ROOT", "AUTH_USER_MODEL", "EMAIL_BACKEND",
                           "SESSION_ENGINE", "CSRF_COOKIE_NAME", "LOGIN_URL",
                           "LOGIN_REDIRECT_URL", "DEFAULT_AUTO_FIELD", "USE_TZ", "TIME_ZONE"})
# django-environ's reader for a default of each JSON type (the service's settings use it).
_READERS = {bool: "env.bool", int: "env.int", float: "env.float", list: "env.list",
            tuple: "env.list", dict: "env.json"}
_NO_DEFAULT = object()  # not one of Django's settings
# The reader of a setting the monolith computes, by the shape of its expression: Django refuses
# a string where it wants a sequence (LOCALE_PATHS).
_SHAPES = {ast.List: "env.list", ast.ListComp: "env.list", ast.Tuple: "env.list",
           ast.Set: "env.list", ast.SetComp: "env.list", ast.GeneratorExp: "env.list",
           ast.Dict: "env.json", ast.DictComp: "env.json"}
# What a variable the service requires holds in its test settings (the suite, and the checks
# and schema run at extraction): production must be given the monolith's value.
CHECK_PLACEHOLDER = "placeholder-for-tests"


@dataclass(frozen=True)
class PatchTarget:
    """Where the monolith patch installs the bridge: the list or tuple assignment ``name`` at
    ``settings:line`` (``computed``: an assignment of another form, after whose last
    change in that module or ``owner`` class body the patch adds to it), and the root
    URLconf's file."""

    settings: str
    name: str
    line: int
    urlconf: str
    computed: bool = False
    owner: str | None = None


def settings_read_by(source: Source, paths: Iterable[str]) -> set[str]:
    """Upper-case setting names the files at ``paths`` read."""
    names: set[str] = set()
    for path in paths:
        tree = source.tree(path)
        names |= _settings_read(tree) if tree else set()
    return names


def settings_read_installed(folders: Iterable[Path]) -> set[str]:
    """Upper-case setting names the modules of installed apps (their ``folders``) read:
    Grappelli's ``GRAPPELLI_ADMIN_TITLE``, which its admin templates print."""
    names: set[str] = set()
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            tree = parse_installed(path)
            names |= _settings_read(tree) if tree else set()
    return names


def _settings_read(tree: ast.Module) -> set[str]:
    """``settings.NAME``, and ``getattr(settings, "NAME", default)``: how a module reads a
    setting the project may leave unset."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            name = node.attr if node.value.id == "settings" else ""
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id == "getattr" and len(node.args) >= 2
              and isinstance(node.args[0], ast.Name) and node.args[0].id == "settings"
              and isinstance(node.args[1], ast.Constant)):
            name = str(node.args[1].value)
        else:
            continue
        if name.isupper():
            names.add(name)
    return names


def carried_settings(facts: SettingsFacts, names: set[str],
                     django_defaults: Mapping[str, object] | None = None
                     ) -> tuple[CarriedSetting, ...]:
    """The monolith's own settings among ``names`` as the service sets them: the evaluated
    value; an environment read as the same read with the monolith's default; a setting not
    evaluated statically as an environment variable the service requires, whose test
    placeholder is Django's own default when it is one of Django's settings."""
    found = []
    for name in sorted(names - SERVICE_OWNED):
        setting = facts.value(name)
        if setting is not None:
            found.append(_carried(setting, (django_defaults or {}).get(name, _NO_DEFAULT)))
    return tuple(found)


def _carried(setting: SettingValue, django_default: object) -> CarriedSetting:
    where = str(setting.location or "its settings")
    expression = setting.expression or ""
    if setting.opaque:
        variable = setting.environment or setting.name
        if django_default is _NO_DEFAULT:
            reader = _shape_reader(expression)
            placeholder = "{}" if reader == "env.json" else CHECK_PLACEHOLDER
        else:  # one of Django's settings: read as its type, Django's default in the tests
            reader = _READERS.get(type(django_default), "env")
            if isinstance(django_default, list | tuple) and not all(
                    isinstance(item, str) for item in django_default):
                reader = "env.json"  # LANGUAGES: pairs, which env.list cannot hold
            placeholder = _environment_text(django_default, reader)
        return CarriedSetting(setting.name, f'{reader}("{variable}")', variable, "", where,
                              expression, placeholder)
    if setting.environment is None:
        return CarriedSetting(setting.name, _source(setting.value))
    default = _source(setting.value)
    reader = _READERS.get(type(setting.value), "env")
    return CarriedSetting(setting.name, f'{reader}("{setting.environment}", default={default})',
                          setting.environment, default, where, expression)


def _environment_text(value: object, reader: str) -> str:
    """``value`` as the environment variable that django-environ's ``reader`` parses."""
    if reader == "env.json":
        return json.dumps(value)
    if isinstance(value, list | tuple):
        return ",".join(map(str, value))
    return "" if value is None else str(value)


def _shape_reader(expression: str) -> str:
    """``env.list`` for ``[email for email in emails if email]``, ``env.json`` for a dict
    display, else ``env``."""
    try:
        node = ast.parse(expression, mode="eval").body
    except SyntaxError:
        return "env"
    return _SHAPES.get(type(node), "env")


def rest_framework(facts: SettingsFacts, installed: bool = True
                   ) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str, Location], ...]]:
    """The REST_FRAMEWORK keys kept for parity, as (key, repr) in DRF_PARITY_KEYS order, and
    the classes they name, as (module, name, location): the service must import those too.
    None when DRF is not ``installed`` in the monolith: its REST_FRAMEWORK configures a fork
    of DRF of its own (taiga's), whose classes the service's DRF must not load (they import
    that fork, which reads the same setting while it is imported: a circular import); the
    fork, copied with the moved code, reads the service's REST_FRAMEWORK instead."""
    found = facts.value("REST_FRAMEWORK")  # the keys known, even if others are not
    value = found.value if found and installed else None
    if not isinstance(value, dict) or found is None or found.location is None:
        return (), ()
    settings, uses = [], []
    for key in DRF_PARITY_KEYS:
        if key not in value:
            continue
        literal = value[key]
        for dotted in [literal] if isinstance(literal, str) else (
                literal if isinstance(literal, list) else []):
            if isinstance(dotted, str) and "." in dotted:
                module, _, name = dotted.rpartition(".")
                uses.append((module, name, found.entry(key) or found.location))
        if isinstance(literal, list):
            literal = [REPLACED_BACKENDS.get(entry, entry) for entry in literal]
        settings.append((key, _source(literal)))
    return tuple(settings), tuple(uses)


def apps_middleware(facts: SettingsFacts, apps: Iterable[str]) -> tuple[str, ...]:
    """The monolith's MIDDLEWARE entries of the third-party ``apps`` the service installs, in
    the monolith's order: an app may refuse to start without its own (django-allauth's
    ``AccountMiddleware``, checked in its ``ready()``). The other entries are the monolith's
    concerns (sessions, CORS, static files), not the service's."""
    found = facts.known("MIDDLEWARE")
    entries = found if isinstance(found, list | tuple) else []
    return tuple(entry for entry in entries if isinstance(entry, str)
                 and any(entry.startswith(f"{app}.") for app in apps))


LOCALE_MIDDLEWARE = "django.middleware.locale.LocaleMiddleware"


def negotiates_language(facts: SettingsFacts) -> bool:
    """Whether the monolith picks each request's language (Django's LocaleMiddleware: the
    language cookie, Accept-Language, else the LANGUAGES variant of LANGUAGE_CODE): kiwi's
    pages are ``<html lang="en">`` there, ``en-us`` (its LANGUAGE_CODE) without it."""
    found = facts.known("MIDDLEWARE")
    return isinstance(found, list | tuple) and LOCALE_MIDDLEWARE in found


def patch_targets(facts: SettingsFacts, source: Source) -> PatchTarget:
    """The INSTALLED_APPS (or LOCAL_APPS) list or tuple the monolith patch edits, else the
    computed INSTALLED_APPS it adds to, and the file of ROOT_URLCONF; refused in one line
    where the analyzer found neither."""
    listed = facts.app_list
    target = listed if listed is not None and listed.form in (
        SettingForm.LIST, SettingForm.TUPLE) else facts.installed_apps
    if target is None:
        raise DecomposeError(
            "INSTALLED_APPS is not set in the settings or the modules they star-import, as "
            "far as they can be read statically; set it there (a list, a tuple or an "
            "expression) and run `decompose analyze` again")
    urlconf = facts.known("ROOT_URLCONF")
    found = facts.root_urlconf
    path = source.path_of(urlconf) if isinstance(urlconf, str) else None
    if path is None:
        raise DecomposeError(
            f"ROOT_URLCONF {urlconf!r} is not a module of the project known statically"
            if isinstance(urlconf, str) else "ROOT_URLCONF is not a string known statically",
            path=found.location.path if found else target.location.path,
            line=found.location.line if found else None)
    return PatchTarget(target.location.path, target.name, target.location.line, path,
                       computed=target is not listed, owner=target.owner)


def _source(value: object) -> str:
    """A value as Python source, broken across lines where the service's ruff (100 columns,
    the template indents it 4 more) would find it too long."""
    return pprint.pformat(value, width=72, sort_dicts=False)
