"""What of the monolith's settings the service carries over, and where the patch edits them.

Everything here comes from the settings facts of ``graph.json`` (the analyzer's evaluator):
the extractor never evaluates the monolith's settings itself. It reads their source for one
thing the facts cannot say: a setting assigned under a test of the command line
(``if "spectacular" in sys.argv:``), whose static value is the one of the commands that skip
the branch, is computed the same way in the service (see ``_command_line``).
"""

from __future__ import annotations

import ast
import json
import pprint
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from decompose.errors import DecomposeError
from decompose.model import EnvironmentSetting, Location, SettingForm, SettingsFacts, SettingValue
from decompose_runtime.names import FORK_EXCEPTION_HANDLER, REMOTE_AWARE_FILTER_BACKEND
from extractor.plan.environment import parse_installed
from extractor.plan.setting_readers import READERS, expression_reader, function_readers
from extractor.plan.source import Source
from extractor.spec import CarriedSetting

# REST_FRAMEWORK keys copied for API parity; authentication is the service's own (tokens).
DRF_PARITY_KEYS = ("DEFAULT_PERMISSION_CLASSES", "DEFAULT_PAGINATION_CLASS", "PAGE_SIZE",
                   "DEFAULT_FILTER_BACKENDS", "ORDERING_PARAM", "SEARCH_PARAM",
                   "DEFAULT_THROTTLE_CLASSES", "DEFAULT_THROTTLE_RATES", "DATETIME_FORMAT",
                   "COERCE_DECIMAL_TO_STRING", "DEFAULT_VERSIONING_CLASS")
# The keys DRF imports classes from (rest_framework.settings.IMPORT_STRINGS): the service's
# own DRF must never import a monolith's DRF fork through them.
DRF_IMPORT_KEYS = frozenset({
    "DEFAULT_RENDERER_CLASSES", "DEFAULT_PARSER_CLASSES", "DEFAULT_AUTHENTICATION_CLASSES",
    "DEFAULT_PERMISSION_CLASSES", "DEFAULT_THROTTLE_CLASSES", "DEFAULT_CONTENT_NEGOTIATION_CLASS",
    "DEFAULT_METADATA_CLASS", "DEFAULT_VERSIONING_CLASS", "DEFAULT_PAGINATION_CLASS",
    "DEFAULT_FILTER_BACKENDS", "DEFAULT_SCHEMA_CLASS", "EXCEPTION_HANDLER",
    "TEST_REQUEST_RENDERER_CLASSES", "UNAUTHENTICATED_USER", "UNAUTHENTICATED_TOKEN",
    "VIEW_NAME_FUNCTION", "VIEW_DESCRIPTION_FUNCTION"})
_DOTTED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+")  # a class's dotted path
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
# The types django-environ's scalar readers give back.
_READER_TYPES: dict[str, tuple[type, ...]] = {"env": (str,), "env.bool": (bool,),
                                              "env.int": (int,), "env.float": (float, int)}
_NO_DEFAULT = object()  # not one of Django's settings
# What a variable the service requires holds in its test settings (the suite, and the checks
# and schema run at extraction): production must be given the monolith's value.
CHECK_PLACEHOLDER = "placeholder-for-tests"
_PLACEHOLDERS = {"env.json": "{}", "env.int": "0", "env.float": "0.0", "env.bool": "false"}


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


# A template's read of an attribute of a context variable: ``{{ SETTINGS.DEFAULT_PAGE_SIZE }}``.
_TEMPLATE_READ = re.compile(r"\b([A-Za-z_]\w*)\.([A-Z][A-Z0-9_]*)\b")


def settings_read_in_templates(source: Source, processors: Iterable[str],
                               templates: Iterable[str]) -> set[str]:
    """Upper-case setting names the ``templates`` (paths) read through a context processor
    among ``processors`` that hands them the settings object: kiwi's ``settings_processor``
    returns ``{"SETTINGS": settings}``, its navbar prints ``{{ SETTINGS.DEFAULT_PAGE_SIZE
    }}`` and loops over ``SETTINGS.MENU_ITEMS``."""
    keys: set[str] = set()
    for dotted in processors:
        module, _, function = dotted.rpartition(".")
        path = source.path_of(module)
        tree = source.tree(path) if path else None
        for node in tree.body if tree else ():
            if isinstance(node, ast.FunctionDef) and node.name == function:
                keys |= {key.value for dictionary in ast.walk(node)
                         if isinstance(dictionary, ast.Dict)
                         for key, value in zip(dictionary.keys, dictionary.values, strict=True)
                         if isinstance(key, ast.Constant) and isinstance(key.value, str)
                         and isinstance(value, ast.Name) and value.id == "settings"}
    names: set[str] = set()
    for path in templates if keys else ():
        try:
            text = source.read(path)
        except (OSError, UnicodeDecodeError):
            continue
        names |= {name for key, name in _TEMPLATE_READ.findall(text) if key in keys}
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


# Django's functions that read a setting themselves: naming one reads it (pretalx's password
# field calls get_default_password_validators() for its minimum length).
IMPLICIT_READS = dict.fromkeys((
    "get_default_password_validators", "validate_password", "password_changed",
    "password_validators_help_texts", "password_validators_help_text_html"),
    "AUTH_PASSWORD_VALIDATORS")


def _settings_read(tree: ast.Module) -> set[str]:
    """``settings.NAME``, and ``getattr(settings, "NAME", default)``: how a module reads a
    setting the project may leave unset; and the settings Django's functions it names read
    (IMPLICIT_READS)."""
    names = set()
    for node in ast.walk(tree):
        named = node.id if isinstance(node, ast.Name) else (
            node.attr if isinstance(node, ast.Attribute) else "")
        if named in IMPLICIT_READS:
            names.add(IMPLICIT_READS[named])
            continue
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
                     django_defaults: Mapping[str, object] | None = None,
                     source: Source | None = None) -> tuple[CarriedSetting, ...]:
    """The monolith's own settings among ``names`` as the service sets them: the evaluated
    value, or the same test of the command line (read in ``source``); an environment read as
    the same read with the monolith's default; a setting not evaluated statically as an
    environment variable the service requires, read as the type its expression gives
    (``setting_readers``; a helper function of the settings files, parsed from ``source``,
    by what it returns) or Django's default has, whose test placeholder is Django's own
    default when it is one of Django's settings."""
    defaults = django_defaults or {}
    chosen = [setting for setting in map(facts.value, sorted(names - SERVICE_OWNED))
              if setting is not None]
    functions = {name: reader for path in sorted({s.location.path for s in chosen
                                                   if s.location})
                 if source is not None and (tree := source.tree(path)) is not None
                 for name, reader in function_readers(tree).items()}
    found = []
    for setting in chosen:
        command_line = _command_line(source, setting) if source else None
        found.append(CarriedSetting(setting.name, command_line) if command_line else _carried(
            setting, defaults.get(setting.name, _NO_DEFAULT),
            _setting_reader(facts, defaults, functions), functions))
    return tuple(found)


def _command_line(source: Source, setting: SettingValue) -> str | None:
    """``<literal> if <test> else <value>`` (``<test>`` for True/False) when the setting's
    value was last assigned a literal in the body of an ``if`` that tests the command line
    alone (``sys.argv``):
    pretalx turns drf-spectacular on for ``manage.py spectacular`` only (``LOAD_SPECTACULAR``;
    without it its API's schema decorators are stubs), and the static value is the one of the
    commands that skip the branch, so the service's schema run would document nothing."""
    where = setting.location
    if where is None or setting.opaque:
        return None
    tree = source.tree(where.path)
    for node in ast.walk(tree) if tree else ():
        if not isinstance(node, ast.If) or not _tests_command_line(node.test):
            continue
        for statement in _run_in(node.body):
            if (isinstance(statement, ast.Assign) and statement.lineno == where.line
                    and isinstance(statement.value, ast.Constant) and any(
                        isinstance(t, ast.Name) and t.id == setting.name
                        for t in statement.targets)):
                test, value = ast.unparse(node.test), statement.value.value
                flips = isinstance(value, bool) and isinstance(setting.value, bool)
                if flips and value != setting.value:  # ruff's SIM210/SIM211 otherwise
                    return test if value is True else f"not ({test})"
                return f"{value!r} if {test} else {_source(setting.value)}"
    return None


def _tests_command_line(test: ast.expr) -> bool:
    """Whether the expression reads nothing but ``sys.argv`` and literals."""
    names = [n for n in ast.walk(test) if isinstance(n, ast.Name)]
    argv = [n for n in ast.walk(test) if isinstance(n, ast.Attribute) and n.attr == "argv"
            and isinstance(n.value, ast.Name) and n.value.id == "sys"]
    return bool(argv) and len(names) == len(argv) and not any(
        isinstance(n, ast.Call | ast.Lambda | ast.NamedExpr) for n in ast.walk(test))


def _run_in(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements a block runs, through ``with`` and ``try`` blocks (pretalx's
    ``with suppress(ImportError):``), not into nested conditions or definitions."""
    for statement in body:
        yield statement
        if isinstance(statement, ast.With):
            yield from _run_in(statement.body)
        elif isinstance(statement, ast.Try):
            yield from _run_in([*statement.body, *statement.orelse, *statement.finalbody])


def _setting_reader(facts: SettingsFacts, defaults: Mapping[str, object],
                    functions: Mapping[str, str]) -> Callable[[str], str]:
    """The reader of a setting an expression names (``VITE_DEV_MODE = DEBUG``): its value's
    type, its own expression's, else Django's default's; "" when unknown."""
    seen: set[str] = set()

    def reader(name: str) -> str:
        setting = facts.value(name)
        if setting is not None and not setting.opaque:
            return READERS.get(type(setting.value), "")
        if setting is not None and setting.expression and name not in seen:
            seen.add(name)
            found = expression_reader(setting.expression, reader, functions)
            if found:
                return found
        default = defaults.get(name)
        return READERS.get(type(default), "") if default is not None else ""
    return reader


def _carried(setting: SettingValue, django_default: object,
             setting_reader: Callable[[str], str], functions: Mapping[str, str]
             ) -> CarriedSetting:
    where = str(setting.location or "its settings")
    expression = setting.expression or ""
    if setting.opaque:
        variable = setting.environment or setting.name
        if django_default is None:  # SESSION_COOKIE_DOMAIN: unset is Django's None
            return CarriedSetting(setting.name, f'env("{variable}", default=None)', variable,
                                  "None", where, expression, reader="env")
        if django_default is _NO_DEFAULT:
            reader = expression_reader(expression, setting_reader, functions) or "env"
            placeholder = _PLACEHOLDERS.get(reader, CHECK_PLACEHOLDER)
        else:  # one of Django's settings: read as its type, Django's default in the tests
            reader = READERS.get(type(django_default), "env")
            try:
                placeholder = environment_text(django_default, reader)
            except ValueError:  # LANGUAGES' pairs, DATE_INPUT_FORMATS' commas: not a list
                reader = "env.json"
                placeholder = environment_text(django_default, reader)
        return CarriedSetting(setting.name, f'{reader}("{variable}")', variable, "", where,
                              expression, placeholder, reader)
    if setting.environment is None:
        return CarriedSetting(setting.name, _source(setting.value))
    default = _source(setting.value)
    reader = READERS.get(type(setting.value), "env")
    return CarriedSetting(setting.name, f'{reader}("{setting.environment}", default={default})',
                          setting.environment, default, where, expression, reader=reader)


def environment_record(carried: Iterable[CarriedSetting]) -> tuple[EnvironmentSetting, ...]:
    """The carried settings the service reads from the environment, for extraction.json:
    what a deployment sets, and how the service parses it."""
    return tuple(EnvironmentSetting(setting.variable, setting.name, not setting.default,
                                    setting.reader, setting.expression, setting.origin,
                                    setting.default)
                 for setting in carried if setting.variable)


def environment_text(value: object, reader: str) -> str:
    """``value`` as the environment variable's text that django-environ's ``reader`` (the
    service's settings) parses back into it, a tuple into a list; ValueError saying why
    when that reader cannot give it back."""
    if reader == "env.json":
        try:
            text = json.dumps(value, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"env.json reads JSON, and it is not: {exc}") from None
        if json.loads(text) != _as_json(value):
            raise ValueError("env.json reads JSON, which would change it (keys that are "
                             "not text)")
    elif reader == "env.list":
        if not isinstance(value, list | tuple) or not all(
                isinstance(item, str) and item and "," not in item for item in value):
            raise ValueError(f"env.list reads texts separated by commas, and it is {value!r}")
        text = ",".join(value)
    else:
        kind = _READER_TYPES.get(reader)
        if kind is None or type(value) not in kind:
            raise ValueError(f"{reader} reads {'/'.join(t.__name__ for t in kind or ())} "
                             f"and it is {type(value).__name__}: {value!r}"[:300])
        text = str(value).lower() if isinstance(value, bool) else str(value)
        if isinstance(value, int | float) and reader == "env.float":
            text = repr(float(value))
            if not re.fullmatch(r"-?\d+\.\d+", text):
                raise ValueError(f"env.float reads plain decimals, and it is {text}")
    if text.startswith("$"):
        raise ValueError("django-environ reads a text starting with $ as the name of "
                         "another variable")
    return text


def _as_json(value: object) -> object:
    """``value`` as JSON gives it back: tuples as lists."""
    if isinstance(value, list | tuple):
        return [_as_json(item) for item in value]
    if isinstance(value, dict):
        return {key: _as_json(item) for key, item in value.items()}
    return value


@dataclass(frozen=True)
class RestFramework:
    """What the service's REST_FRAMEWORK takes of the monolith's: ``settings`` as (key, Python
    source), the classes they name as (module, name, location), which the service must import
    too, and a DRF fork's own exception handler (dotted), answered through the runtime's."""

    settings: tuple[tuple[str, str], ...] = ()
    uses: tuple[tuple[str, str, Location], ...] = ()
    fork_exception_handler: str = ""
    fork: bool = False  # the monolith has no DRF: REST_FRAMEWORK configures its own fork


def rest_framework(facts: SettingsFacts, installed: bool = True) -> RestFramework:
    """The REST_FRAMEWORK keys kept for parity, in DRF_PARITY_KEYS order.
    When DRF is not ``installed`` in the monolith, its REST_FRAMEWORK configures a fork of DRF
    of its own (taiga's), which, copied with the moved code, reads the service's
    REST_FRAMEWORK: the keys only the fork knows (taiga's ``PAGINATE_BY``, ``FILTER_BACKEND``)
    and plain values are kept, in the monolith's order, so its lists page and filter as
    they did; the keys the service's DRF imports classes from are not, as that DRF would
    import the fork while the fork reads this setting (a circular import). The fork's
    ``EXCEPTION_HANDLER`` is answered by the runtime's handler, which calls it for the fork's
    views only (``decompose_remote.drf_fork``), so their errors keep the monolith's body."""
    found = facts.value("REST_FRAMEWORK")  # the keys known, even if others are not
    value = found.value if found else None
    if not isinstance(value, dict) or found is None or found.location is None:
        return RestFramework(fork=not installed)
    keys = DRF_PARITY_KEYS if installed else [k for k in value if k not in DRF_IMPORT_KEYS]
    settings, uses = [], []
    for key in keys:
        if key not in value:
            continue
        literal = value[key]
        uses += _classes_named(literal, found.entry(key) or found.location)
        if isinstance(literal, list):
            literal = [REPLACED_BACKENDS.get(entry, entry) for entry in literal]
        settings.append((key, _source(literal)))
    handler = value.get("EXCEPTION_HANDLER") if not installed else None
    if not (isinstance(handler, str) and _DOTTED.fullmatch(handler)):
        return RestFramework(tuple(settings), tuple(uses), fork=not installed)
    settings.append(("EXCEPTION_HANDLER", _source(FORK_EXCEPTION_HANDLER.dotted)))
    uses += _classes_named(handler, found.entry("EXCEPTION_HANDLER") or found.location)
    return RestFramework(tuple(settings), tuple(uses), handler, fork=True)


def _classes_named(literal: object, where: Location) -> list[tuple[str, str, Location]]:
    """(module, name, where) of the dotted paths a REST_FRAMEWORK value names."""
    found = []
    for dotted in [literal] if isinstance(literal, str) else (
            literal if isinstance(literal, list) else []):
        if isinstance(dotted, str) and _DOTTED.fullmatch(dotted):
            module, _, name = dotted.rpartition(".")
            found.append((module, name, where))
    return found


# The skeleton's own context processors (config/settings/base.py).
SKELETON_CONTEXT_PROCESSORS = ("django.template.context_processors.request",
                               "django.contrib.auth.context_processors.auth",
                               "django.contrib.messages.context_processors.messages")


@dataclass(frozen=True)
class TemplateOptions:
    """The monolith's template ``context_processors`` (beyond the skeleton's) and
    ``builtins`` the service can import, in the monolith's order, and those it cannot (of
    apps that stay), at the TEMPLATES ``location``."""

    context_processors: tuple[str, ...] = ()
    builtins: tuple[str, ...] = ()
    left: tuple[str, ...] = ()
    location: Location | None = None


@dataclass(frozen=True)
class TemplateNames:
    """The monolith's template ``context_processors`` beyond the skeleton's and its
    ``builtins``, in its order, as its TEMPLATES setting at ``location`` names them."""

    context_processors: tuple[str, ...] = ()
    builtins: tuple[str, ...] = ()
    location: Location | None = None


def template_names(facts: SettingsFacts) -> TemplateNames:
    """Read from the TEMPLATES value, or from its expression where it is computed (its DIRS
    join paths)."""
    setting = facts.value("TEMPLATES")
    if setting is None:
        return TemplateNames()
    try:
        tree = ast.parse((setting.expression or "") if setting.opaque
                         else _source(setting.value), mode="eval")
    except (SyntaxError, ValueError):
        return TemplateNames()
    found: dict[str, list[str]] = {"context_processors": [], "builtins": []}
    for node in ast.walk(tree):
        for key, value in zip(node.keys, node.values, strict=True) if isinstance(
                node, ast.Dict) else ():
            name = key.value if isinstance(key, ast.Constant) else None
            if isinstance(name, str) and name in found and isinstance(
                    value, ast.List | ast.Tuple):
                found[name] += [item.value for item in value.elts if isinstance(
                    item, ast.Constant) and isinstance(item.value, str)]
    return TemplateNames(
        tuple(p for p in dict.fromkeys(found["context_processors"])
              if p not in SKELETON_CONTEXT_PROCESSORS),
        tuple(dict.fromkeys(found["builtins"])), setting.location)


def template_options(names: TemplateNames, importable: Callable[[str], bool]
                     ) -> TemplateOptions:
    """What pretalx's moved pages rendered with: ``locale_context`` of its moved ``common``
    app gave them ``html_locale``, its ``components`` builtins their ``{% alert %}`` tags;
    ``importable`` says whether the service has a module: a processor's (its dotted name
    less the function), a builtin itself (a template library's module)."""
    usable = {p: importable(p.rpartition(".")[0]) for p in names.context_processors}
    usable.update((b, importable(b)) for b in names.builtins)
    return TemplateOptions(
        tuple(p for p in names.context_processors if usable[p]),
        tuple(b for b in names.builtins if usable[b]),
        tuple(name for name, found in usable.items() if not found), names.location)


# Django's default: names as they are, no manifest.
PLAIN_STATIC_STORAGE = "django.contrib.staticfiles.storage.StaticFilesStorage"


def static_storage(facts: SettingsFacts, installed: Callable[[str], bool]) -> str:
    """The monolith's static files storage (``STORAGES["staticfiles"]``, else the older
    ``STATICFILES_STORAGE``) where it is not Django's plain one and ``installed`` says the
    monolith's environment has its module, so the service can run it: the proxy keeps
    ``/static/`` on the monolith, and a manifest storage links hashed names
    (pretalx's whitenoise ``CompressedManifestStaticFilesStorage``: ``base.b992c4a96559.css``)
    that the service's pages must link too; "" for Django's plain storage."""
    storages = facts.known("STORAGES")
    found = storages.get("staticfiles") if isinstance(storages, dict) else None
    backend = (found.get("BACKEND") if isinstance(found, dict)
               else facts.known("STATICFILES_STORAGE"))
    if not isinstance(backend, str) or not _DOTTED.fullmatch(backend):
        return ""
    return "" if backend == PLAIN_STATIC_STORAGE or not installed(
        backend.rpartition(".")[0]) else backend


LOCALE_MIDDLEWARE = "django.middleware.locale.LocaleMiddleware"


def enum_name_overrides(facts: SettingsFacts) -> tuple[tuple[str, str], ...]:
    """The monolith's drf-spectacular ``ENUM_NAME_OVERRIDES`` given as dotted paths (component
    name, path of a choices set: pretalx's ``SubmissionStateEnum``): without them the moved
    serializers' enums are named as drf-spectacular guesses, which it warns of where two
    choice sets share a field's name."""
    settings = facts.known("SPECTACULAR_SETTINGS")
    overrides = settings.get("ENUM_NAME_OVERRIDES") if isinstance(settings, dict) else None
    return tuple(sorted((name, path) for name, path in overrides.items()
                        if isinstance(name, str) and isinstance(path, str)
                        and _DOTTED.fullmatch(path))) if isinstance(overrides, dict) else ()


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
