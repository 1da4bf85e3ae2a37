"""Query lookups on a relation that became an id column use the id.

``Order.objects.filter(user=request.user)`` becomes ``filter(user_id=pk_of(request.user))``
(``pk_of`` accepts a remote object, a token user or a plain id); ``user__isnull`` becomes
``user_id__isnull``, ``user__pk__in`` becomes ``user_id__in`` and ``user__in=users``
``user_id__in=pks_of(users)``. A lookup one step into the
remote model (``order__user_id=5``, ``product__price__gte=10``) asks the monolith which rows
match: ``order_id__in=pks_where("orders.Order", user_id=5)``, a join the service can no longer
make itself (several such lookups on one relation in one call are one question, asked with all of
them). A deeper lookup the monolith's bridge runs as a join of allowlisted models (plan/joins.py)
is asked the same way: ``project__memberships__user=u`` becomes
``project_id__in=pks_where("projects.Project", memberships__user=u)``. A many-to-many kept as
pairs is looked up through them: ``executions=e`` becomes
``executions_pairs__testexecution_id=pk_of(e)``. The service's own relations followed first keep
their path: ``step__recipe__created_by=u`` becomes ``step__recipe__created_by_id=pk_of(u)``
(Tandoor's ingredients of recipes a user made). Other deeper traversals, and lookups through a
relation that several targets share a name with, are reported as errors and left as written.
"""

from __future__ import annotations

from typing import cast

import libcst as cst

from decompose.model import Level
from decompose_runtime.names import PK_OF, PKS_OF, PKS_WHERE
from decompose_runtime.protocol import QUERY_LOOKUPS
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
# Lookups comparing the relation with objects (or ids): the column with their primary keys.
OBJECT_LOOKUPS = {"": PK_OF, "exact": PK_OF, "in": PKS_OF}
PK_NAMES = frozenset({"pk", "id"})
_EQUAL = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                         whitespace_after=cst.SimpleWhitespace(""))


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
        args: list[cst.Arg] = []
        asked: dict[str, int] = {}  # column -> index in args of its pks_where question
        for arg in updated.args:
            key = arg.keyword.value if arg.keyword else ""
            prefix, field, rest = _split(key, self.boundary)
            columns = {prefix + r.lookup for r in self.boundary.replaced if r.field == field}
            if field not in replaced:
                args.append(arg)
            elif len(columns) > 1:
                self.report(original, f"lookup {key!r}: {field!r} is a relation to the "
                            "monolith on several models, held in different columns: rewrite "
                            "it by hand", Level.ERROR)
                args.append(arg)
            elif rest in OBJECT_LOOKUPS:
                helper = OBJECT_LOOKUPS[rest]
                self.import_runtime(helper)
                column = columns.pop() + ("__in" if rest == "in" else "")
                self.report(original, f"{key}=... -> {column}={helper.name}(...)")
                args.append(arg.with_changes(
                    keyword=cst.Name(column),
                    value=cst.Call(cst.Name(helper.name), args=[cst.Arg(arg.value)])))
            elif rest in ID_LOOKUPS or rest.partition("__")[0] in PK_NAMES:
                lookup = rest if rest in ID_LOOKUPS else rest.partition("__")[2]
                column = columns.pop() + (f"__{lookup}" if lookup else "")
                self.report(original, f"{key} -> {column}")
                args.append(arg.with_changes(keyword=cst.Name(column)))
            elif target := self._one_step_target(field, rest):
                self.import_runtime(PKS_WHERE)
                column = columns.pop()
                self.report(original, f"{key}=... -> {column}__in=pks_where({target!r}, "
                            f"{rest}=...): the monolith finds the matching rows")
                condition = cst.Arg(arg.value, keyword=cst.Name(rest), equal=_EQUAL)
                if column in asked:  # one row matching every lookup: one question
                    question = cast(cst.Call, args[asked[column]].value)
                    args[asked[column]] = args[asked[column]].with_changes(
                        value=question.with_changes(args=[*question.args, condition]))
                    continue
                asked[column] = len(args)
                args.append(arg.with_changes(
                    keyword=cst.Name(f"{column}__in"),
                    value=cst.Call(cst.Name("pks_where"), args=[
                        cst.Arg(cst.SimpleString(f'"{target}"')), condition])))
            else:
                self.report(original, f"lookup {key!r} traverses {field!r}, a relation to the "
                            "monolith, further than one field: it cannot run in the service",
                            Level.ERROR)
                args.append(arg)
        if asked and len(args) < len(updated.args):  # a merged last lookup: no dangling comma
            args[-1] = args[-1].with_changes(comma=updated.args[-1].comma)
        return updated.with_changes(args=args)

    def _one_step_target(self, field: str, rest: str) -> str | None:
        """The remote model ``field__rest`` reaches when ``rest`` is one of its fields with at
        most a plain lookup, or a join of its bridge's (what the bridge runs); None when that
        is not certain."""
        targets = {r.target for r in self.boundary.replaced if r.field == field}
        if len(targets) != 1:
            return None
        target = targets.pop()
        name, _, lookup = rest.partition("__")
        if (target, lookup_path(rest)) in self.boundary.joins or (
                name.isidentifier() and (not lookup or lookup in QUERY_LOOKUPS)):
            return target
        return None


def _split(key: str, boundary: Boundary) -> tuple[str, str, str]:
    """``key`` as the service's own relations it follows first (with their ``__``), from any
    moved model, the relation to the monolith the model they reach has, and what follows:
    ``step__recipe__created_by__in`` -> ``("step__recipe__", "created_by", "in")``;
    ``("", first part, rest)`` when it follows none first."""
    parts = key.split("__")
    reached = {m.label for m in boundary.models}  # the queryset's model: any moved one
    for at, part in enumerate(parts):
        if at and any(part in boundary.replaced_on(label) for label in reached):
            return "".join(f"{p}__" for p in parts[:at]), part, "__".join(parts[at + 1:])
        reached = boundary.hop(reached, part)
        if not reached:
            break
    return "", parts[0], "__".join(parts[1:])


def lookup_path(key: str) -> str:
    """The fields a lookup names, without its final lookup: ``memberships__user__in`` ->
    ``memberships__user``."""
    path, _, last = key.rpartition("__")
    return path if path and last in QUERY_LOOKUPS else key
