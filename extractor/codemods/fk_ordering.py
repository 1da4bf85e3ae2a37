"""Orderings through a relation that became an id column ask the monolith to rank the keys.

``.order_by("project__name")`` on the service's rows can no longer join ``project``;
it becomes ``ordered_where(rows, "project_id", "projects.Project", "name")``: the monolith
orders the rows' keys, the service its rows by their key's rank, still a QuerySet.
A deeper ordering the bridge runs as a join (plan/joins.py), ``order_by(
"project__memberships__user_order")``, ranks by the row of the many-valued relation the
query's ``filter()`` joined on, as Django's ``order_by`` reuses that join: the filter's
conditions on that path (``project__memberships__user=u``) go along, ``memberships__user=u``.
Without exactly one ``filter()`` of the chain naming that path in keywords (the join Django
would reuse is then not one the service can name: none, a ``Q``, an ``exclude()``, several),
or beside other orderings, it is reported as an error and left as written.
"""

from __future__ import annotations

import libcst as cst

from decompose.model import Level
from decompose_runtime.names import ORDERED_WHERE
from extractor.codemods.base import (
    Boundary,
    ExtractionCodemod,
    chain_root,
    register,
    remote_imports,
)

_EQUAL = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                         whitespace_after=cst.SimpleWhitespace(""))


@register
class ForeignKeyOrdering(ExtractionCodemod):
    NAME = "fk_ordering"
    ORDER = 39  # before fk_lookups rewrites the filters whose conditions go along
    DESCRIPTION = "Rewrite orderings through replaced relations to a ranking by the monolith."

    @classmethod
    def applies(cls, source: str, module: str, boundary: Boundary) -> bool:
        return "order_by" in source and any(name in source for name in boundary.replaced_names)

    def visit_Module(self, node: cst.Module) -> None:
        self._remote = remote_imports(node, self.boundary)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = updated.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "order_by"
                and chain_root(original) not in self._remote):
            return updated
        orderings = [a.value.evaluated_value for a in original.args
                     if isinstance(a.value, cst.SimpleString)]
        crossing = [o for o in orderings if isinstance(o, str)
                    and o.lstrip("-").partition("__")[0] in self.boundary.replaced_names
                    and "__" in o]
        if not crossing:
            return updated
        ordering = crossing[0]
        field, _, rest = ordering.lstrip("-").partition("__")
        relations = {(r.lookup, r.target) for r in self.boundary.replaced
                     if r.field == field and not r.many}
        if len(orderings) != len(original.args) or len(original.args) != 1 or len(
                relations) != 1:
            return self._left(original, updated, ordering, "it is not the call's only "
                              f"ordering, or {field!r} is not one key to one monolith model")
        column, target = relations.pop()
        prefix = rest.rpartition("__")[0]
        conditions: list[cst.Arg] = []
        if prefix:
            if (target, rest) not in self.boundary.joins:
                return self._left(original, updated, ordering, "the monolith's bridge "
                                  f"does not run {rest!r} from {target}")
            found = _joined_on(original, f"{field}__{prefix}__")
            if found is None:
                return self._left(original, updated, ordering, "exactly one filter() of "
                                  f"the chain must name {field}__{prefix} in keywords, the "
                                  "join Django's order_by reuses (none, a Q, an exclude() or "
                                  "several do)")
            conditions = [a.with_changes(keyword=cst.Name(a.keyword.value.removeprefix(
                f"{field}__")), equal=_EQUAL, comma=cst.MaybeSentinel.DEFAULT)
                for a in found if a.keyword]
        self.import_runtime(ORDERED_WHERE)
        ranked = f"{'-' if ordering.startswith('-') else ''}{rest}"
        self.report(original, f"order_by({ordering!r}) -> {ORDERED_WHERE.name}(rows, "
                    f"{column!r}, {target!r}, {ranked!r}"
                    f"{''.join(f', {a.keyword.value}=...' for a in conditions if a.keyword)}"
                    "): the monolith ranks the rows' keys")
        return cst.Call(cst.Name(ORDERED_WHERE.name), args=[
            cst.Arg(func.value), cst.Arg(cst.SimpleString(f'"{column}"')),
            cst.Arg(cst.SimpleString(f'"{target}"')), cst.Arg(cst.SimpleString(f'"{ranked}"')),
            *conditions])

    def _left(self, original: cst.Call, updated: cst.Call, ordering: str, why: str) -> cst.Call:
        self.report(original, f"ordering {ordering!r} traverses a relation to the monolith and "
                    f"cannot run in the service as written: {why}", Level.ERROR)
        return updated


def _joined_on(call: cst.Call, prefix: str) -> list[cst.Arg] | None:
    """The keyword arguments naming ``prefix`` of the one ``filter()`` of the chain below
    ``call`` that does (None when no call, or several, or a ``Q``/``exclude()`` name it)."""
    found: list[list[cst.Arg]] = []
    node: cst.BaseExpression = call.func
    while isinstance(node, cst.Attribute | cst.Call):
        if isinstance(node, cst.Call):
            method = node.func.attr.value if isinstance(node.func, cst.Attribute) else ""
            named = [a for a in node.args if prefix in cst.Module([]).code_for_node(a)]
            if named and (method != "filter" or any(a.keyword is None for a in named)):
                return None
            if named:
                found.append(named)
            node = node.func
        else:
            node = node.value
    return found[0] if len(found) == 1 else None
