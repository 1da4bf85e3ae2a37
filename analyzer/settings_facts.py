"""The settings facts of ``graph.json``: what the evaluator learnt, for the stages after it.

The extractor edits INSTALLED_APPS and ROOT_URLCONF's module in the monolith and carries the
settings the moved code reads into the service; it takes both from here, so the monolith's
settings are read one way only.
"""

from __future__ import annotations

import ast
import re

from analyzer.discovery import Project
from analyzer.settings_objects import Origin
from decompose.model import SettingDefinition, SettingForm, SettingsFacts, SettingValue

# Values under such names (or holding such keys) are not written to graph.json: the service
# gets them from its environment, like any secret.
_SECRET = re.compile(r"(^|_)(SECRET|PASSWORD|PASSWD|TOKEN|KEY|CREDENTIALS)$", re.IGNORECASE)


class _Opaque:
    """A value JSON cannot hold: a settings class, a path, an unknown."""


_OPAQUE = _Opaque()


def settings_facts(project: Project) -> SettingsFacts:
    values, origins = project.settings.values, project.settings.origins
    apps = origins.get("INSTALLED_APPS")
    own = tuple(a.name for a in project.apps if not a.external)
    return SettingsFacts(
        import_root=project.relpath(project.source_root) if project.source_root != project.root
        else ".",
        installed_apps=_definition(apps),
        app_list=_app_list(apps, origins, values, own),
        root_urlconf=_definition(origins.get("ROOT_URLCONF")),
        middleware=_definition(origins.get("MIDDLEWARE")),
        values=tuple(_value(name, origins.get(name), value)
                     for name, value in values.items() if name.isupper()))


def _definition(origin: Origin | None) -> SettingDefinition | None:
    if origin is None:
        return None
    return SettingDefinition(origin.name, origin.location, _form(origin.value), origin.owner,
                             origin.included)


def _form(node: ast.expr | None) -> SettingForm:
    if isinstance(node, ast.List):
        return SettingForm.LIST
    if isinstance(node, ast.Tuple):
        return SettingForm.TUPLE
    if node is None:
        return SettingForm.COMPUTED
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return SettingForm.COMPUTED
    return SettingForm.LITERAL


def _app_list(apps: Origin | None, origins: dict[str, Origin], values: dict[str, object],
              own: tuple[str, ...]) -> SettingDefinition | None:
    """INSTALLED_APPS when it is a list or tuple display; else the last list or tuple it is
    built from that names an own app (``LOCAL_APPS``), else the last one it is built from."""
    if apps is None or apps.value is None:
        return None
    if _form(apps.value) in (SettingForm.LIST, SettingForm.TUPLE):
        return _definition(apps)
    parts = [origins[n.id] for n in ast.walk(apps.value) if isinstance(n, ast.Name)
             and n.id in origins and _form(origins[n.id].value) in (SettingForm.LIST,
                                                                    SettingForm.TUPLE)]
    parts.sort(key=lambda o: (o.location.path, o.location.line))

    def names_own(origin: Origin) -> bool:
        entries = values.get(origin.name)
        return isinstance(entries, list) and any(
            isinstance(e, str) and (e == app or e.startswith(app + ".")) for e in entries
            for app in own)

    chosen = next((o for o in reversed(parts) if names_own(o)), parts[-1] if parts else None)
    return _definition(chosen)


def _value(name: str, origin: Origin | None, value: object) -> SettingValue:
    location = origin.location if origin else None
    expression = ast.unparse(origin.value) if origin and origin.value is not None else None
    if _SECRET.search(name):
        return SettingValue(name, location, opaque=True)
    if origin is not None and origin.environment is not None:
        variable, default, has_default = origin.environment
        data = _json(default) if has_default else _OPAQUE
        if isinstance(data, _Opaque):
            return SettingValue(name, location, opaque=True, expression=expression,
                                environment=variable)
        return SettingValue(name, location, data, expression=expression, environment=variable)
    data = _json(value)
    if isinstance(data, _Opaque):
        return SettingValue(name, location, opaque=True, expression=expression)
    return SettingValue(name, location, data)


def _json(value: object) -> object:
    """``value`` as JSON data, or ``_OPAQUE`` (also when a key looks like a secret's)."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else _OPAQUE
    if isinstance(value, list):
        items = [_json(v) for v in value]
        return _OPAQUE if any(isinstance(i, _Opaque) for i in items) else items
    if isinstance(value, dict):
        if not all(isinstance(k, str) and not _SECRET.search(k) for k in value):
            return _OPAQUE
        found = {k: _json(v) for k, v in value.items()}
        return _OPAQUE if any(isinstance(v, _Opaque) for v in found.values()) else found
    return _OPAQUE
