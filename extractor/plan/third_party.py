"""External apps the service must install, and the requirements of what the moved code imports."""

from __future__ import annotations

import sys
from collections.abc import Iterable

from extractor.plan.environment import MonolithEnvironment
from extractor.plan.scope import Scope
from extractor.plan.settings import REPLACED_BACKENDS
from extractor.requirements_files import distribution
from extractor.spec import SKELETON_REQUIREMENTS

_SKELETON = frozenset(map(distribution, SKELETON_REQUIREMENTS))
# Apps every service installs already (config/settings/base.py).
SKELETON_APPS = ("rest_framework", "drf_spectacular")


def third_party(scope: Scope, python: Iterable[tuple[str, str]],
                drf: tuple[tuple[str, str], ...], environment: MonolithEnvironment
                ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """External, non-Django apps the moved code or the copied DRF settings use, and a
    requirement for each of them and each library the moved code imports (``yaml``), from the
    version installed in the monolith's ``environment`` (the monolith's own pin replaces it
    later, where it has one); what the skeleton requires already is left out."""
    text = " ".join(value for _, value in drf) + " ".join(
        original for original, new in REPLACED_BACKENDS.items() if new in str(drf))
    modules = {module for path, name in python for module in scope.source.imports(path, name)}
    # an app is used where one of its modules is imported (oauth2_provider.models)
    owners = {app.name for app in map(scope.source.app_of, modules) if app is not None}
    used = {app.name for app in scope.graph.apps if app.external
            and not app.name.startswith(("django.", *SKELETON_APPS))
            and (app.name in text or app.name in owners)}
    imported = {module.split(".")[0] for module in modules}
    libraries = {top for top in imported if top and top not in sys.stdlib_module_names
                 and not (scope.source.root / top).exists()
                 and not (scope.source.root / f"{top}.py").exists()}
    found = {environment.distribution_of(module) for module in used | libraries}
    return tuple(sorted(used)), tuple(sorted(
        _requirement(*d) for d in found if d and distribution(d[0]) not in _SKELETON))


def _requirement(name: str, version: str) -> str:
    """``django-filter`` 25.1.2 -> ``django-filter>=25.1,<26``: that release's series."""
    major = version.split(".")[0]
    return f"{name}>={'.'.join(version.split('.')[:2])},<{int(major) + 1}"
