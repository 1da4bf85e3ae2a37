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
    environment = origin.environment if origin else None
    if _SECRET.search(name) and not (environment and environment[2] and environment[1] in (
            "", None)):  # an empty default (HCAPTCHA_SECRET = os.getenv(..., "")) tells nothing
        return SettingValue(name, location, opaque=True)
    if environment is not None:
        variable, default, has_default = environment
        data, complete = _json(default) if has_default else (None, False)
        return SettingValue(name, location, data, not complete, _expression(origin), variable)
    data, complete = _json(value)
    return SettingValue(name, location, data, not complete,
                        None if complete else _expression(origin), entries=_entries(origin))


def _entries(origin: Origin | None) -> dict[str, int]:
    node = origin.value if origin else None
    if not isinstance(node, ast.Dict):
        return {}
    return {key.value: item.lineno for key, item in zip(node.keys, node.values, strict=True)
            if isinstance(key, ast.Constant) and isinstance(key.value, str)}


def _expression(origin: Origin | None) -> str | None:
    return ast.unparse(origin.value) if origin and origin.value is not None else None


def _json(value: object) -> tuple[object, bool]:
    """``value`` as JSON data, and whether that is all of it: a dict keeps the entries
    known (not those under a secret-looking key); anything else unknown is None."""
    if value is None or isinstance(value, str | bool | int):
        return value, True
    if isinstance(value, float) and value == value and abs(value) != float("inf"):
        return value, True
    if isinstance(value, list):
        items = [_json(v) for v in value]
        return ([i for i, _ in items], True) if all(c for _, c in items) else (None, False)
    if isinstance(value, dict):
        found, complete = {}, True
        for key, item in value.items():
            data, known = _json(item)
            if not isinstance(key, str) or _SECRET.search(key):
                complete = False
                continue
            if known or isinstance(data, dict):
                found[key] = data
            complete = complete and known
        return found, complete
    return None, False
