"""Proxy targets. Each module defines one Backend and registers it with ``@register``.

The registry (``decompose.registry``) fills itself by importing every module of this package,
so adding a target is adding a file (no central list to keep in step).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import jinja2

from decompose.registry import Registry
from decompose.templating import strict_environment
from strangler.plan import ProxyPlan

if TYPE_CHECKING:
    from strangler.publish import Published

_REGISTRY: Registry[Backend] = Registry(__name__)
TEMPLATES = strict_environment(jinja2.PackageLoader("strangler.backends", "templates"))


class Backend(Protocol):
    """Renders a plan into files and checks them with the target's own validator."""

    name: str
    main_file: str  # the file whose presence in an output folder means "this target is used"
    listens: bool  # whether --listen applies (a Kubernetes Gateway's listeners choose the port)

    def render(self, plan: ProxyPlan) -> dict[str, str]:
        """File name -> text, deterministic for the same plan."""
        ...

    def validate(self, plan: ProxyPlan, staged: Path) -> list[str]:
        """Check the files in ``staged``; raise ValidationFailed, return warnings."""
        ...

    def apply_live(self, plan: ProxyPlan, out: Path) -> list[str]:
        """Push the new plan to a running proxy where the target can without a reload."""
        ...

    def reload(self, plan: ProxyPlan, out: Path, published: Published) -> list[str]:
        """Make the running proxy serve the published files, then verify it does (its status
        location answers the new config hash); raise ReloadFailed with the proxy's own error."""
        ...


def register(factory: Callable[[], Backend]) -> Callable[[], Backend]:
    backend = factory()
    _REGISTRY.add(backend.name, backend)
    return factory


def backends() -> dict[str, Backend]:
    return _REGISTRY.units()


def get_backend(name: str) -> Backend:
    return backends()[name]
