"""The monolith's own values of the settings a service reads from the environment.

``decompose extract`` cannot know what the monolith computes when it starts (a config file, a
git describe, a lazy-translated dict): it writes those settings to ``extraction.json``
(``environment_settings``) as variables the service requires. The benchmark, which may run the
monolith, boots its settings in a subprocess of the environment it is served with, reads each
value and writes it as the text the service's reader parses (``environment_text``). What
cannot be given as it is, or is given with a loss, is reported, never silently dropped.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path

from extractor.plan.settings import environment_text

# Run by the monolith's ``manage.py shell -c`` with the names formatted in; prints one JSON
# line: name -> {"value", "notes"} or {"error"}. Lazy translations and paths become text
# (noted: the service gets a str where the monolith had a lazy string or a Path).
READ_SETTINGS = """
import json, os
from django.conf import settings
from django.utils.functional import Promise

def plain(value, notes):
    if isinstance(value, Promise):
        notes.add("lazy translations given as their text in " + settings.LANGUAGE_CODE)
        return str(value)
    if isinstance(value, os.PathLike):
        notes.add("a path given as its text")
        return os.fspath(value)
    if isinstance(value, (list, tuple)):
        return [plain(item, notes) for item in value]
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise TypeError(f"key {{key!r}}: JSON would turn it into text")
        return {{key: plain(item, notes) for key, item in value.items()}}
    json.dumps(value)
    return value

found = {{}}
for name in {names!r}:
    notes = set()
    try:
        found[name] = ({{"absent": True}} if not hasattr(settings, name) else
                       {{"value": plain(getattr(settings, name), notes), "notes": sorted(notes)}})
    except (TypeError, ValueError) as exc:
        found[name] = {{"error": f"{{type(exc).__name__}}: {{exc}}"}}
print(json.dumps(found))
"""


@dataclass(frozen=True)
class ServiceValues:
    """The service's environment variables holding the monolith's values, and every setting
    not given (or given with a loss) with why: ``"LOG_DIR: a path given as its text"``."""

    variables: dict[str, str]
    reported: tuple[str, ...]


# Settings of the service's own skeleton a deployment sets to the monolith's value, by the
# variable the service reads: the proxy keeps /static/ on the monolith, so the moved pages link
# static files where the monolith's do (taiga serves them at https://<its domain>/static/),
# by the names of the monolith's collected manifest (pretalx's hashed names).
DEPLOYED_AS_THE_MONOLITH = {"STATIC_URL": "DJANGO_STATIC_URL", "STATIC_ROOT": "DJANGO_STATIC_ROOT"}


def settings_to_read(service: Path) -> list[str]:
    """The setting names of the service's ``environment_settings`` (extraction.json), and
    those of DEPLOYED_AS_THE_MONOLITH."""
    return sorted({item["setting"] for item in _record(service)} | set(DEPLOYED_AS_THE_MONOLITH))


def _literal(source: str) -> tuple[object, bool]:
    """The Python literal ``source`` (a default in extraction.json), and whether it is one."""
    try:
        return ast.literal_eval(source), True
    except (ValueError, SyntaxError):
        return None, False


def service_values(service: Path, shell_output: str) -> ServiceValues:
    """Each of the service's environment settings with the value the monolith printed
    (``READ_SETTINGS``'s last line), as the text its reader parses."""
    found = json.loads(shell_output.strip().splitlines()[-1])
    variables, reported = {}, []
    for item in _record(service):
        name, reader = item["setting"], item["reader"]
        read = found.get(name, {"error": "not printed"})
        if "absent" in read and item["required"]:
            # set only under a condition the served monolith does not meet (pretalx's
            # CELERY_RESULT_BACKEND without a broker): the service requires it all the same
            variables[item["variable"]] = ""
            reported.append(f"{name}: the monolith has no such setting: given as ''")
            continue
        if "absent" in read:
            reported.append(f"{name}: the monolith has no such setting: the service's "
                            f"default {item['default']}")
            continue
        if "error" in read:
            reported.append(f"{name}: not read from the monolith: {read['error']}")
            continue
        value = read["value"]
        if not item["required"] and _literal(item["default"]) == (value, True):
            # unset like the monolith's own environment: the service's default is its value
            # (the monolith's settings, when copied, read the variable their own way:
            # tandoor's bool(int(os.getenv('SOCIAL_DEFAULT_ACCESS', False))) fails on "false")
            continue
        try:
            variables[item["variable"]] = environment_text(value, reader)
        except ValueError as exc:
            text = _as_text(value) if reader == "env" else None
            if text is None:
                reported.append(f"{name}: not given to the service: {exc}")
                continue
            variables[item["variable"]] = text
            reported.append(f"{name}: given as the text {text!r}: {exc}")
        reported += [f"{name}: {note}" for note in read["notes"]]
    for name, variable in DEPLOYED_AS_THE_MONOLITH.items():
        value = found.get(name, {}).get("value")
        if isinstance(value, str):
            variables[variable] = value
        else:
            reported.append(f"{name}: not read from the monolith: the service's own default")
    return ServiceValues(variables, tuple(reported))


def _as_text(value: object) -> str | None:
    """What a deployer writes for a value of a type decompose could not tell, read as text
    (``env``): a number's digits (pretalx's MAX_PAGINATION_LIMIT), nothing for an empty list
    (its CONFIG_FILES); None for anything else."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return "" if isinstance(value, list | dict) and not value else None


def _record(service: Path) -> list[dict]:
    return json.loads((service / "extraction.json").read_text()).get("environment_settings", [])
