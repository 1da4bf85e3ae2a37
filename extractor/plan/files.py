"""Which files of the moved apps are copied into the service."""

from __future__ import annotations

from pathlib import PurePosixPath

from decompose.model import FileCopy, Level, Location, Rewrite
from extractor.plan.scope import Scope

ADMIN_MODULE = "admin.py"


def app_files(scope: Scope) -> tuple[list[FileCopy], tuple[Rewrite, ...]]:
    """The copies, and a note for each admin module: it moves with its app, and the public
    paths of its pages change hands only when the proxy routes them to the service."""
    files, notes = [], []
    for app in scope.moved:
        for path in scope.source.files(app.path or ""):
            files.append(FileCopy(path, path, "app"))
            if PurePosixPath(path).name == ADMIN_MODULE:
                notes.append(Rewrite(Location(path, 1), "plan", (
                    f"copied: the service's own Django admin serves /admin/{app.label}/ "
                    "(token users, actions in the JSON log); see EXTRACTION.md, \"Django "
                    "admin\""), Level.INFO))
    return files, tuple(notes)
