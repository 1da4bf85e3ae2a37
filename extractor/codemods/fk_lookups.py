"""Query lookups on a relation that became an id column use the id.

``Order.objects.filter(user=request.user)`` becomes ``filter(user_id=pk_of(request.user))``
(``pk_of`` accepts a remote object, a token user or a plain id); ``user__isnull`` becomes
``user_id__isnull``. A lookup that traverses the relation (``product__category=...``) cannot run
in the service: it is reported as an error and left as written.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor

from decompose.model import Level
from extractor.codemods.base import (
    Boundary,
    ExtractionCodemod,
    chain_root,
    register,
    remote_imports,
)

QUERY_METHODS = frozenset({"filter", "exclude", "get", "get_or_create", "update_or_create",
                           "Q"})
ID_LOOKUPS = frozenset({"isnull"})


@register
class ForeignKeyLookups(ExtractionCodemod):
    NAME = "fk_lookups"
    ORDER = 40
    DESCRIPTION = "Rewrite lookups on replaced relations to their id columns."

    @classmethod
    def applies(cls, source: str, module: str, boundary: Boundary) -> bool:
        return any(name in source for name in boundary.replaced_names)

    def visit_Module(self, node: cst.Module) -> None:
        self._remote = remote_imports(node, self.boundary)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        func = updated.func
        method = func.attr.value if isinstance(func, cst.Attribute) else (
            func.value if isinstance(func, cst.Name) else "")
        if method not in QUERY_METHODS or chain_root(original) in self._remote:
            return updated
        replaced = self.boundary.replaced_names
        args = []
        for arg in updated.args:
            key = arg.keyword.value if arg.keyword else ""
            field, _, rest = key.partition("__")
            if field not in replaced:
                args.append(arg)
            elif not rest:
                AddImportsVisitor.add_needed_import(self.context, "decompose_remote.models",
                                                    "pk_of")
                self.report(original, f"{key}=... -> {field}_id=pk_of(...)")
                args.append(arg.with_changes(
                    keyword=cst.Name(f"{field}_id"),
                    value=cst.Call(cst.Name("pk_of"), args=[cst.Arg(arg.value)])))
            elif rest in ID_LOOKUPS:
                self.report(original, f"{key} -> {field}_id__{rest}")
                args.append(arg.with_changes(keyword=cst.Name(f"{field}_id__{rest}")))
            else:
                self.report(original, f"lookup {key!r} traverses {field!r}, a relation to the "
                            "monolith: it cannot run in the service", Level.ERROR)
                args.append(arg)
        return updated.with_changes(args=args)
