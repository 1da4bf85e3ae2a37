"""Check the service and generate its committed ``openapi.yaml`` by running drf-spectacular.

The schema is what the generated code declares, so the only faithful way to write it is to ask
the code: the service is booted (not the monolith, which ``analyze`` never runs) in a subprocess
of the service's own environment (``extractor.service_env``: what its lock declares, never
decompose's interpreter) with its test settings and throwaway keys, on the PostgreSQL engine
production uses (integer ranges differ per engine) but without connecting to any database.
Django's system checks run first; ``--validate --fail-on-warn`` makes an undocumented field an
extraction error instead of a vague schema, unless the team allows the warnings its monolith
already has (``extract --schema-warnings allow``): then they are returned, one line each, for
EXTRACTION.md and the service's own schema checks.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from decompose.errors import DecomposeError

OPENAPI_FILE = "openapi.yaml"
# The moved routes' contract as the monolith's code declares it, frozen at extraction: the
# service's CI diffs its schema against it for breaking changes.
MONOLITH_OPENAPI_FILE = "openapi/monolith.yaml"
SCHEMA_SETTINGS = "config.settings.test"
# Parsed for its engine only: schema generation never connects.
SCHEMA_DATABASE_URL = "postgres://schema@127.0.0.1:9/schema"
TIMEOUT = 180
_HOST_PREFIXES = ("DJANGO_", "DATABASE_", "DECOMPOSE_", "MONOLITH_", "PROMETHEUS_")


class OpenApiError(DecomposeError):
    """drf-spectacular could not produce a valid, warning-free schema for the service."""


@dataclass(frozen=True)
class Schema:
    """The service's OpenAPI document (YAML) and the warnings drf-spectacular gave making it
    (only when allowed), each ``path:line: Warning [view]: message`` at the moved code's path."""

    text: str
    warnings: tuple[str, ...] = ()


def generate_openapi(service: Path, python: Path, *, allow_warnings: bool = False) -> Schema:
    """The service's schema as ``manage.py spectacular`` writes it, run by ``python`` (the
    service's environment); like every management command that does not opt out, it runs
    Django's system checks (``manage.py check``) first and stops on an error. A warning is an
    error unless ``allow_warnings``; a crash or an invalid schema always is."""
    # Into a file, not from stdout: the moved code may print when imported (tandoor's
    # django-vite: "Running django-vite in production mode").
    command = [str(python), "manage.py", "spectacular", "--validate", "--file", OPENAPI_FILE]
    if not allow_warnings:
        command.append("--fail-on-warn")
    try:
        result = subprocess.run(command, cwd=service, env=schema_environment(),
                                capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise OpenApiError(f"cannot run drf-spectacular on the service: {exc}",
                           path=service / OPENAPI_FILE) from None
    if result.returncode:
        raise _failure(result, service)
    return Schema((service / OPENAPI_FILE).read_text(encoding="utf-8"),
                  tuple(sorted(p.string for p in _problems(_lines(result, service)))))


def schema_environment() -> dict[str, str]:
    """The environment the service is booted in at extraction: its test settings, a database
    URL that is parsed and never connected to, nothing of the host's or decompose's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_HOST_PREFIXES)}
    env.update(DJANGO_SETTINGS_MODULE=SCHEMA_SETTINGS, DATABASE_URL=SCHEMA_DATABASE_URL,
               PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTHONPATH", None)  # nothing of decompose's environment leaks in
    return env


# drf-spectacular's one line per warning or error: ``[where: ]Warning|Error[ [view > ...]]: ``
# (its summary's "Warnings: 3" and Python's "UserWarning: ..." are not).
_PROBLEM = re.compile(r"^(?:(?P<where>\S+): )?(?P<what>(?:Warning|Error)(?: \[[^\]]*\])?: .*)$")
# What --fail-on-warn stops with once every warning is printed (a crash has a traceback, an
# invalid schema its own message: then the warnings printed before are not why it failed).
FAILED_ON_WARNINGS = "Failing as requested due to warnings"
SCHEMA_WARNINGS_OPTION = "--schema-warnings allow"
_NAMED_CLASS = re.compile(r" in `([\w.]+)`\.$")
_MISSING = re.compile(r"^ModuleNotFoundError: No module named '([^']+)'")
_FRAME = re.compile(r'^File "([^"]+)", line (\d+)')


# How a class built from a remote model fails on a field it lacks: its own FieldDoesNotExist,
# django-filter's Meta.fields check, DRF's ModelSerializer, Django's ModelForm.
REMOTE_FIELD_MISSING = ("among those the monolith's bridge serves",
                        "must not contain non-model field names", "is not valid for model",
                        "Unknown field(s) (")


def _failure(result: subprocess.CompletedProcess[str], service: Path) -> OpenApiError:
    """One line: the first view drf-spectacular cannot document, at its path in the monolith
    (the service keeps the moved files' paths), when --fail-on-warn stopped it (not when it
    crashed after warning: pretalx's api warned of one view, then failed on a serializer's
    field; nor when the schema it made is invalid, the warnings allowed); the first warning of
    the whole schema, naming no view (an operationId two paths share, an enum's name), in
    ``openapi.yaml``; a
    module the service's environment lacks,
    where the service's code imports it (or a module of the monolith the service did not copy,
    imported by a string plan/dotted.py could not resolve);
    else the last line of the traceback, at the deepest line of the service's code it ran."""
    lines = _lines(result, service)
    problems = _problems(lines)
    placed = [p for p in problems if p["where"] or p["what"].startswith(("Warning [", "Error ["))]
    if problems and not placed and FAILED_ON_WARNINGS in result.stderr:  # the whole schema's
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return OpenApiError(f"drf-spectacular warns of the service's schema, at no view: "
                            f"{problems[0]['what'].partition(': ')[2]}{more}", path=OPENAPI_FILE)
    if placed and FAILED_ON_WARNINGS in result.stderr:
        problems = placed
        where, what = problems[0]["where"] or "", problems[0]["what"]
        path, _, line = where.rpartition(":")
        if not line.isdigit():  # a function view (``@api_view``): its file, without a line
            path, line = where, ""
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return OpenApiError(
            f"drf-spectacular cannot document the moved code: {what.split('. ')[0]}{more}; "
            "give the view a serializer_class or @extend_schema in the monolith and extract "
            f"again, or extract with {SCHEMA_WARNINGS_OPTION} to list them in EXTRACTION.md",
            path=path or None, line=int(line) if line.isdigit() else None)
    # The deepest frame in a file of the service (they all are written by decompose).
    deepest = next((f for f in map(_FRAME.match, reversed(lines))
                    if f and not f.group(1).startswith("/")), None)
    missing = next((m.group(1) for m in map(_MISSING.match, lines) if m), None)
    if missing:
        uncopied = (service / missing.split(".")[0]).is_dir()  # a package of the monolith's
        return OpenApiError(
            f"the service imports {missing!r}, " + (
                "a module of the monolith it does not copy: it is imported by a string "
                "decompose could not resolve to a module it can copy (a computed string, or "
                "a module with models of an app that stays); import it in the moved code, or "
                "move what it holds into a model-free module the moved code imports"
                if uncopied else
                "which none of its dependencies installs (pyproject.toml, locked in uv.lock): "
                "add its distribution to the monolith's requirements or the service's "
                "dependencies"),
            path=deepest.group(1) if deepest else "pyproject.toml",
            line=int(deepest.group(2)) if deepest else None)
    reason = lines[-1] if lines else f"exit {result.returncode}"
    if deepest is None:
        return OpenApiError(f"manage.py spectacular failed in the service's environment: "
                            f"{reason}", path=OPENAPI_FILE)
    service_path, service_line = deepest.group(1), int(deepest.group(2))
    if reason.startswith(("SyntaxError:", "IndentationError:")):
        return OpenApiError(
            f"the service's copy is not valid Python ({reason}) at this line of the "
            "service: a rewrite of decompose produced it; report it with that line",
            path=service_path, line=service_line)
    # A remote model's ``_meta`` has the fields the bridge serves: its columns and keys, and
    # the many-to-many fields, properties and reverse accessors the service's code names.
    remote = ("; a remote model stands in for the monolith's model here, with only the fields "
              "the bridge serves this service (its columns and keys, and the many-to-many "
              "fields, properties and reverse accessors of keys that the service's code names: "
              "no reverse many-to-many), which a FilterSet, ModelForm or ModelSerializer with "
              "it as Meta.model names; keep this code in the monolith, or extract the model's "
              "app too"
              if any(sign in reason for sign in REMOTE_FIELD_MISSING) else "")
    if remote and (named := _named_class(service, reason)) is not None:
        service_path, service_line = named  # DRF's message names the serializer class
    return OpenApiError(f"manage.py spectacular failed in the service's environment: "
                        f"{reason}{remote}", path=service_path, line=service_line)


def _lines(result: subprocess.CompletedProcess[str], service: Path) -> list[str]:
    """stderr's non-blank lines, paths in the service relative to it (the monolith's paths)."""
    return [line.strip().replace(f"{service}/", "") for line in result.stderr.splitlines()
            if line.strip()]


def _problems(lines: list[str]) -> list[re.Match[str]]:
    return [found for found in map(_PROBLEM.match, lines) if found]


def _named_class(service: Path, reason: str) -> tuple[str, int] | None:
    """Where the service defines the class DRF names (``... in `pkg.mod.Serializer`.``): a
    serializer is built by drf-spectacular, so no frame of the service's code is on the
    traceback (its deepest is manage.py)."""
    found = _NAMED_CLASS.search(reason)
    if found is None:
        return None
    module, _, name = found.group(1).rpartition(".")
    path = PurePosixPath(*module.split(".")).with_suffix(".py")
    try:
        tree = ast.parse((service / path).read_text())
    except (OSError, SyntaxError, ValueError):
        return None
    return next(((path.as_posix(), node.lineno) for node in tree.body
                 if isinstance(node, ast.ClassDef) and node.name == name), None)
