"""Imports of apps that stay in the monolith point at the service's generated mirrors.

``from catalog.models import Product`` becomes ``from monolith.catalog.models import Product``:
the ``monolith`` package mirrors the monolith's module paths with remote stand-ins, so the rest
of the moved code reads as before; ``from app import services`` (a module imported whole) reads
the mirror of ``app.services``. Kernel modules copied into the service keep their imports;
carried ones (copied for a class the moved code needs) get theirs rewritten here too, relative
ones included.
A name the mirror cannot provide, or ``import app.module``, is reported as an error.
"""

from __future__ import annotations

import libcst as cst

from decompose.model import Level
from decompose.modules import absolute_module
from decompose.paths import MIRROR_PACKAGE
from extractor.codemods.base import Boundary, ExtractionCodemod, dotted, register


@register
class RemoteImports(ExtractionCodemod):
    NAME = "remote_imports"
    ORDER = 90  # last: the other codemods look the original module paths up
    DESCRIPTION = "Point imports of monolith apps at the generated monolith.* mirrors."

    @classmethod
    def applies(cls, source: str, module: str, boundary: Boundary) -> bool:
        return "import" in source

    def leave_ImportFrom(self, original: cst.ImportFrom,
                         updated: cst.ImportFrom) -> cst.ImportFrom:
        module = self._absolute(original)
        if not module:
            return updated
        mirror = self.boundary.mirror_of(module)
        names = [] if isinstance(original.names, cst.ImportStar) else [
            dotted(alias.name) for alias in original.names]
        # ``from app import services``: a submodule imported whole, mirrored on its own
        whole = [n for n in names if self.boundary.mirror_of(f"{module}.{n}") is not None]
        if mirror is None and not whole:
            return updated
        provided = {n.name for n in mirror.names} if mirror else set()
        if isinstance(original.names, cst.ImportStar):
            self.report(original, f"from {module} import *: list the names", Level.ERROR)
        for name in names:
            if name not in provided and name not in whole:
                self.report(original, f"{module}.{name} cannot be reached remotely (not a "
                            "model, function, exception, constant or copied class)",
                            Level.ERROR)
        self.report(original, f"from {module} -> from {MIRROR_PACKAGE}.{module}")
        return updated.with_changes(
            relative=(), module=cst.parse_expression(f"{MIRROR_PACKAGE}.{module}"))

    def _absolute(self, node: cst.ImportFrom) -> str:
        """The module a from-import reads; a relative one (in a carried module of an app
        that stays) resolved against this file's package."""
        written = dotted(node.module) if node.module else None
        if not node.relative:
            return written or ""
        return absolute_module(self.package, written, len(node.relative))

    def leave_Import(self, original: cst.Import, updated: cst.Import) -> cst.Import:
        for alias in original.names:
            name = dotted(alias.name)
            if any(name == m.module or name.startswith(m.module + ".")
                   for m in self.boundary.mirrors):
                self.report(original, f"import {name}: module imports of monolith apps are "
                            "not rewritten; use from-imports", Level.ERROR)
        return updated
