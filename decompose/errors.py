"""One exception tree for the whole tool.

Every class carries the facts a user needs (file, line, label) as fields and reads as a one-line
message; ``decompose.cli`` is the only place that turns them into exit codes.
"""

from __future__ import annotations

from pathlib import Path


class DecomposeError(Exception):
    """Base of every error the tool reports to a user (never a traceback)."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class ProjectNotFound(DecomposeError):
    """The path does not exist or holds no Django project we can recognise."""


class SettingsNotFound(DecomposeError):
    """No settings module could be located or read."""


class UnknownApp(DecomposeError):
    """An app label given by the user is not part of the project."""

    def __init__(self, label: str, known: list[str] | tuple[str, ...] = ()):
        hint = f" (known: {', '.join(sorted(known))})" if known else ""
        super().__init__(f"unknown app {label!r}{hint}")
        self.label = label


class CannotExtract(DecomposeError):
    """The apps asked for cannot move on their own; the message says what to move instead."""


class ConfigError(DecomposeError):
    """The decompose configuration (pyproject.toml / decompose.toml) is invalid."""


class ConstraintError(DecomposeError):
    """A boundary constraint (keep-together, keep-apart, pin, service count) cannot hold."""


class SchemaError(DecomposeError):
    """An artifact on disk is not of a schema version (or shape) this release reads."""


class OutputExists(DecomposeError):
    """The output folder exists and is not empty, and the user did not ask to overwrite it."""

    def __init__(self, path: str | Path):
        super().__init__("output folder exists and is not empty (use --force to replace it)",
                         path=path)


class ToolMissing(DecomposeError):
    """An external program (dot, nginx, haproxy) is needed but not on PATH."""

    def __init__(self, program: str, purpose: str):
        super().__init__(f"{program!r} not found on PATH; it is needed to {purpose}")
        self.program = program


class ValidationFailed(DecomposeError):
    """A generated artifact was rejected by its validator; the previous one was kept."""
