"""Which files of the moved apps are copied into the service, and which stay behind."""

from __future__ import annotations

from pathlib import PurePosixPath

from decompose.model import FileCopy, Level, Location, Rewrite
from extractor.plan.scope import Scope

# The service installs neither django.contrib.admin nor sessions: the admin stays in the
# monolith, where it keeps managing the same rows of the shared database.
STAYS_IN_MONOLITH = frozenset({"admin.py"})


def app_files(scope: Scope) -> tuple[list[FileCopy], tuple[Rewrite, ...]]:
    """The copies, and a warning for each file left in the monolith."""
    files, stays = [], []
    for app in scope.moved:
        for path in scope.source.files(app.path or ""):
            (stays if PurePosixPath(path).name in STAYS_IN_MONOLITH else files).append(path)
    notes = tuple(Rewrite(Location(path, 1), "plan", "not copied: the service has no Django "
                          "admin; the monolith's admin keeps managing these rows", Level.WARNING)
                  for path in stays)
    return [FileCopy(path, path, "app") for path in files], notes
