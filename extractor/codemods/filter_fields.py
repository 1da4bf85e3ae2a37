"""Filter, search and ordering declarations that traverse a relation that left the service.

``search_fields = ["product__name"]``, ``ordering_fields = ["user__email"]`` or a FilterSet's
``Meta.fields`` naming ``product__category`` need a JOIN into a table the service must not read:
they cannot run there. No safe rewrite exists (the monolith would have to filter), so each is
reported as an error with its place and left as written. A plain ``filterset_fields`` entry on
the relation itself (``"product"``) is served by ``RemoteAwareFilterBackend`` on the id column.
"""

from __future__ import annotations

import libcst as cst

from decompose.model import Level
from extractor.codemods.base import (
    Boundary,
    ExtractionCodemod,
    admin_module,
    dotted,
    register,
    string_value,
)

DECLARATIONS = frozenset({"search_fields", "ordering_fields", "filterset_fields", "fields"})
# DRF's search prefixes (^ = @ $) and ordering's "-".
PREFIXES = "^=@$-"


@register
class FilterFields(ExtractionCodemod):
    NAME = "filter_fields"
    ORDER = 45
    DESCRIPTION = "Report filter/search/ordering fields that traverse a replaced relation."

    @classmethod
    def applies(cls, source: str, module: str, boundary: Boundary) -> bool:
        return (bool(boundary.replaced) and not admin_module(module)  # admin_options' job
                and any(d in source for d in DECLARATIONS))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._classes: list[tuple[str, bool]] = []  # (name, derives from a FilterSet)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._classes.append((node.name.value, any(
            dotted(b.value).endswith("FilterSet") for b in node.bases)))

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        self._classes.pop()
        return updated

    def visit_Assign(self, node: cst.Assign) -> None:
        names = {t.target.value for t in node.targets if isinstance(t.target, cst.Name)}
        declared = names & DECLARATIONS
        # ``fields`` only inside a FilterSet's Meta; serializers' Meta.fields name no lookups.
        if not declared or not self._classes or (
                declared == {"fields"} and not self._in_filterset_meta()):
            return
        replaced = self.boundary.replaced_names
        values = node.value.elements if isinstance(node.value, cst.List | cst.Tuple) else []
        for element in values:
            value = string_value(element.value)
            if value is None:
                continue
            field, _, rest = value.lstrip(PREFIXES).partition("__")
            if field in replaced and (rest or "search_fields" in declared):
                self.report(node, f"{sorted(declared)[0]} {value!r} traverses {field!r}, a "
                            "relation to the monolith: it cannot run in the service",
                            Level.ERROR)

    def _in_filterset_meta(self) -> bool:
        return len(self._classes) >= 2 and self._classes[-1][0] == "Meta" and (
            self._classes[-2][1])
