"""External apps the service must install, and the requirement pins for them."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable

from extractor.plan.scope import Scope
from extractor.plan.settings import REPLACED_BACKENDS


def third_party(scope: Scope, python: Iterable[tuple[str, str]],
                drf: tuple[tuple[str, str], ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """External, non-Django apps the moved code or the copied DRF settings use."""
    used = set()
    text = " ".join(value for _, value in drf) + " ".join(
        original for original, new in REPLACED_BACKENDS.items() if new in str(drf))
    for app in scope.graph.apps:
        if not app.external or app.name.startswith(("django.", "rest_framework")):
            continue
        if app.name in text or any(app.name in scope.source.imports(path) for path, _ in python):
            used.add(app.name)
    return tuple(sorted(used)), tuple(sorted(filter(None, map(_requirement, used))))


def _requirement(module: str) -> str | None:
    """``django_filters`` -> ``django-filter>=25.1,<26`` from the installed distribution."""
    top = module.split(".")[0]
    for dist in importlib.metadata.packages_distributions().get(top, []):
        version = importlib.metadata.version(dist)
        major = version.split(".")[0]
        return f"{dist}>={'.'.join(version.split('.')[:2])},<{int(major) + 1}"
    return None
