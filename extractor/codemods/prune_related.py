"""``select_related``/``prefetch_related`` stop where a relation left the service.

``prefetch_related("lines__product")`` becomes ``prefetch_related("lines")`` once
``OrderLine.product`` is an id column (the product is fetched from the monolith instead); a path
that starts on a replaced relation is dropped, and a call left without paths is removed, since
``select_related()`` with no argument would follow every relation. Reverse accessors of models
that stay in the monolith (``order.shipments``) no longer exist: reported as errors.
"""

from __future__ import annotations

import libcst as cst

from decompose.model import Level
from extractor.codemods.base import Boundary, ExtractionCodemod, register, string_value

METHODS = frozenset({"select_related", "prefetch_related"})


@register
class PruneRelated(ExtractionCodemod):
    NAME = "prune_related"
    ORDER = 30
    DESCRIPTION = "Prune related-object paths that cross the service boundary."

    @classmethod
    def applies(cls, source: str, module: str, boundary: Boundary) -> bool:
        return any(method in source for method in METHODS)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = updated.func
        if not (isinstance(func, cst.Attribute) and func.attr.value in METHODS):
            return updated
        args = []
        changed = False
        for arg in updated.args:
            path = string_value(arg.value)
            if path is None or arg.keyword is not None:
                args.append(arg)
                continue
            kept = self._prune(original, path)
            changed |= kept != path
            if kept:
                quote = arg.value.quote  # type: ignore[attr-defined]
                args.append(arg.with_changes(value=cst.SimpleString(f"{quote}{kept}{quote}")))
        if not changed:
            return updated
        if not args:
            return func.value
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated.with_changes(args=args)

    def _prune(self, node: cst.Call, path: str) -> str:
        """Keep the part of ``path`` that stays inside the service."""
        models = {m.label: m for m in self.boundary.models}
        current = set(models)  # the queryset's model is not known statically: any moved one
        segments = path.split("__")
        for index, segment in enumerate(segments):
            if any(segment in self.boundary.replaced_on(label) for label in current):
                kept = "__".join(segments[:index])
                self.report(node, f"{path!r} crosses a relation to the monolith at "
                            f"{segment!r}: kept {kept!r}")
                return kept
            if any(a.name == segment and a.model in current
                   for a in self.boundary.remote_accessors):
                kept = "__".join(segments[:index])
                self.report(node, f"{path!r}: {segment!r} is a reverse relation the monolith "
                            f"answers (RemoteReverse), read when used: kept {kept!r}")
                return kept
            if segment in self.boundary.lost_accessors:
                kept = "__".join(segments[:index])
                self.report(node, f"{path!r}: {segment!r} is a reverse relation from a model "
                            "that stays in the monolith; it does not exist in the service",
                            Level.ERROR)
                return kept
            current = self.boundary.hop(current, segment)
            if not current:
                return path
        return path
