"""Imports of apps that stay in the monolith point at the service's generated mirrors.

``from catalog.models import Product`` becomes ``from monolith.catalog.models import Product``:
the ``monolith`` package mirrors the monolith's module paths with remote stand-ins, so the rest
of the moved code reads as before. Kernel modules copied into the service keep their imports.
A name the mirror cannot provide, or ``import app.module``, is reported as an error.
"""

from __future__ import annotations

import libcst as cst

from decompose.model import Level
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
        if original.relative or original.module is None:
            return updated
        module = dotted(original.module)
        mirror = self.boundary.mirror_of(module)
        if mirror is None:
            return updated
        provided = {n.name for n in mirror.names}
        if isinstance(original.names, cst.ImportStar):
            self.report(original, f"from {module} import *: list the names", Level.ERROR)
        else:
            for alias in original.names:
                if dotted(alias.name) not in provided:
                    self.report(original, f"{module}.{dotted(alias.name)} cannot be reached "
                                "remotely (not a model, function or exception)", Level.ERROR)
        self.report(original, f"from {module} -> from {MIRROR_PACKAGE}.{module}")
        return updated.with_changes(
            module=cst.parse_expression(f"{MIRROR_PACKAGE}.{module}"))

    def leave_Import(self, original: cst.Import, updated: cst.Import) -> cst.Import:
        for alias in original.names:
            name = dotted(alias.name)
            if any(name == m.module or name.startswith(m.module + ".")
                   for m in self.boundary.mirrors):
                self.report(original, f"import {name}: module imports of monolith apps are "
                            "not rewritten; use from-imports", Level.ERROR)
        return updated
