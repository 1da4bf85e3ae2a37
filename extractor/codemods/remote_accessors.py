"""Reverse relations from models that stay in the monolith are asked of it.

``shipping.Shipment.order`` gives the moved ``Order`` an ``order.shipments`` accessor. The
service has no ``Shipment`` model, so the accessor is declared on the moved class as
``shipments = RemoteReverse("shipping.Shipment", "order")``: ``order.shipments.all()`` (a view,
a serializer, ``{% for shipment in order.shipments.all %}`` in a template) asks the monolith for
the rows pointing at this order, and a one-to-one returns its one row.
"""

from __future__ import annotations

import libcst as cst

from decompose_runtime.names import REMOTE_REVERSE
from extractor.codemods.base import Boundary, ExtractionCodemod, assigned_name, register


@register
class RemoteAccessors(ExtractionCodemod):
    NAME = "remote_accessors"
    ORDER = 25
    DESCRIPTION = "Declare reverse relations from monolith models as RemoteReverse."

    @classmethod
    def applies(cls, source: str, module: str, boundary: Boundary) -> bool:
        labels = {m.label for m in boundary.models if m.module == module and not m.abstract}
        return any(a.model in labels for a in boundary.remote_accessors)

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        model = self.moved_model(original.name.value)
        defined = {s.name.value if isinstance(s, cst.FunctionDef | cst.ClassDef)
                   else assigned_name(s) for s in updated.body.body}  # the class's own names win
        accessors = [a for a in self.boundary.remote_accessors if model and not model.abstract
                     and a.model == model.label and a.name not in defined]
        if not accessors:
            return updated
        self.import_runtime(REMOTE_REVERSE)
        added = []
        for accessor in accessors:
            one = ", one=True" if accessor.one else ""
            added.append(cst.parse_statement(
                f'{accessor.name} = RemoteReverse("{accessor.source}", "{accessor.field}"{one})\n'))
            self.report(original, f"{accessor.model}.{accessor.name}: reverse relation of "
                        f"{accessor.source}.{accessor.field}, which stays in the monolith -> "
                        "RemoteReverse (the monolith answers)")
        body = list(updated.body.body)
        meta = next((i for i, s in enumerate(body)
                     if isinstance(s, cst.ClassDef) and s.name.value == "Meta"), len(body))
        return updated.with_changes(body=updated.body.with_changes(
            body=[*body[:meta], *added, *body[meta:]]))

