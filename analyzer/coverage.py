"""Never a silently empty or partial graph: the apps the settings name against the packages
that visibly are apps (an ``apps.py`` or ``models.py`` under the project's import root).

Settings that cannot be evaluated statically (a loop over something read at run time, a
helper call) leave apps out; the user must hear which construct stopped the evaluation and
the two ways out: ``--settings`` or the ``installed_apps`` list in the decompose config.
"""

from __future__ import annotations

from collections.abc import Iterable

from analyzer.discovery import WAY_OUT, Project
from decompose.errors import SettingsNotFound
from decompose.model import Diagnostic, DiagnosticLevel

_SHOWN = 8
_STOPPERS = frozenset({"dynamic-installed-apps", "dynamic-settings-include",
                       "settings-configuration", "settings-module-missing"})


def check_apps(project: Project, own_modules: Iterable[str]) -> list[Diagnostic]:
    """Raise when the project visibly has apps and none is installed; warn about the
    packages no setting names. ``own_modules``: dotted names of the project's own files."""
    visible = _visible_apps(own_modules)
    named = [a.name for a in project.apps]
    unlisted = sorted(p for p in visible if not any(
        p == n or p.startswith(f"{n}.") or n.startswith(f"{p}.") for n in named))
    own = [a for a in project.apps if not a.external]
    stoppers = sorted({str(d.location) for d in project.diagnostics
                       if d.code in _STOPPERS and d.location is not None})
    why = (f"; INSTALLED_APPS could not be fully evaluated at {', '.join(stoppers)}"
           if stoppers else "")
    if not own and unlisted:
        raise SettingsNotFound(
            f"INSTALLED_APPS of {project.settings.module!r} names none of the project's "
            f"apps ({_names(unlisted)}){why}: {WAY_OUT}", path=project.root)
    if not own:
        return [Diagnostic(DiagnosticLevel.WARNING, "no-own-apps",
                           f"INSTALLED_APPS names no app of the project{why}: {WAY_OUT}")]
    if not unlisted:
        return []
    return [Diagnostic(DiagnosticLevel.WARNING, "unlisted-apps",
                       f"{len(unlisted)} package(s) with models.py or apps.py are not in "
                       f"INSTALLED_APPS ({_names(unlisted)}){why}; if the project installs "
                       f"them: {WAY_OUT}")]


def _visible_apps(modules: Iterable[str]) -> set[str]:
    packages = set()
    for module in modules:
        package, _, leaf = module.rpartition(".")
        if leaf in ("models", "apps") and package:
            packages.add(package)
    # a package nested in another app-looking package is left to that one
    return {p for p in packages if not any(p.startswith(f"{q}.") for q in packages)}


def _names(packages: list[str]) -> str:
    shown = ", ".join(packages[:_SHOWN])
    return shown + (f" and {len(packages) - _SHOWN} more" if len(packages) > _SHOWN else "")
