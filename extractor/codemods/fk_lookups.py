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

A model that stays lost the reverse relation of a moved model's key to it (now an id column):
``User.objects.filter(userspace__space=s)`` (a view's ``self.queryset`` read from its class)
becomes ``pk__in=UserSpace._base_manager.filter(space=s).values_list("user_id", flat=True)``,
the service's rows answering which users match.
"""

from __future__ import annotations

from typing import cast

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor

from decompose.model import Level
from decompose_runtime.names import PK_OF, PKS_OF, PKS_WHERE
from decompose_runtime.protocol import QUERY_LOOKUPS
from extractor.codemods.base import (
    Boundary,
    ExtractionCodemod,
    assigned_name,
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
        return any(name in source for name in boundary.replaced_names) or any(
            f"{key.name}__" in source for key in boundary.reverse_keys)

    def visit_Module(self, node: cst.Module) -> None:
        self._remote = remote_imports(node, self.boundary)
        self._querysets: list[str] = []  # per enclosing class, its ``queryset``'s model name

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        roots = [chain_root(s.body[0].value) for s in node.body.body
                 if assigned_name(s) == "queryset" and isinstance(s, cst.SimpleStatementLine)
                 and isinstance(s.body[0], cst.Assign)]
        self._querysets.append(roots[0] if roots else "")

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        self._querysets.pop()
        return updated

    def _model_name(self, call: cst.Call) -> str:
        """The name of the model a query call's chain starts from (a view's
        ``self.queryset.filter(...)``: its class's ``queryset = User.objects``), else ""."""
        node: cst.BaseExpression = call
        while isinstance(node, cst.Call | cst.Attribute | cst.Subscript):
            inner = node.func if isinstance(node, cst.Call) else node.value
            if (isinstance(node, cst.Attribute) and node.attr.value == "queryset"
                    and isinstance(inner, cst.Name) and inner.value == "self"):
                return self._querysets[-1] if self._querysets else ""
            node = inner
        return node.value if isinstance(node, cst.Name) and node.value not in (
            "self", "Q") else ""

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        func = updated.func
        method = func.attr.value if isinstance(func, cst.Attribute) else (
            func.value if isinstance(func, cst.Name) else "")
        if method not in QUERY_METHODS:
            return updated
        updated = self._through_reverse_keys(original, updated)
        if chain_root(original) in self._remote:
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

    def _through_reverse_keys(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        """``userspace__space=s`` on a model that stays (the moved ``UserSpace.user`` is an id
        column now) becomes ``pk__in=UserSpace._base_manager.filter(space=s).values_list(
        "user_id", flat=True)``: the rows whose keys the service's own rows hold, read with
        the base manager as Django's join reads them. Lookups through one name in one call
        are one related row, as in Django: one question."""
        model_name = self._model_name(original)
        if model_name in {m.name for m in self.boundary.models}:  # the service's own relations
            return updated
        names = [k.name for k in self.boundary.reverse_keys]
        keys = {k.name: k for k in self.boundary.reverse_keys
                if model_name == k.target.partition(".")[2] or (
                    not model_name and k.name not in self._moved_names
                    and names.count(k.name) == 1)}  # of an unknown model: one meaning only
        args: list[cst.Arg | str] = []  # a question stands at its first lookup's place
        conditions: dict[str, list[cst.Arg]] = {}
        commas: dict[str, cst.Comma | cst.MaybeSentinel] = {}
        messages: list[str] = []
        for arg in updated.args:
            name, _, rest = (arg.keyword.value if arg.keyword else "").partition("__")
            if name not in keys or not rest:
                args.append(arg)
                continue
            key = keys[name]
            messages.append(f"{name}__{rest}=... -> pk__in=<{key.model} rows where {rest}=...>"
                            f".{key.column}: the service holds the key")
            if name not in conditions:
                args.append(name)
                commas[name] = arg.comma
            conditions.setdefault(name, []).append(
                cst.Arg(arg.value, keyword=cst.Name(rest), equal=_EQUAL))
        if not conditions:
            return updated
        if len(conditions) > 1 or any(a.keyword and a.keyword.value == "pk__in"
                                      for a in updated.args):
            self.report(original, f"lookups through {', '.join(sorted(conditions))} would be "
                        "several pk__in arguments of one call: rewrite it by hand", Level.ERROR)
            return updated
        for message in messages:
            self.report(original, message)
        written: list[cst.Arg] = []
        for item in args:
            if isinstance(item, cst.Arg):
                written.append(item)
                continue
            key = keys[item]
            model = key.model.partition(".")[2]
            module = next(m.module for m in self.boundary.models if m.label == key.model)
            if module != self.module_name:
                AddImportsVisitor.add_needed_import(self.context, module, model)
            rows = cst.Call(cst.parse_expression(f"{model}._base_manager.filter"),
                            args=conditions[item])
            keys_of_rows = cst.Call(cst.Attribute(rows, cst.Name("values_list")), args=[
                cst.Arg(cst.SimpleString(f'"{key.column}"')),
                cst.Arg(cst.Name("True"), keyword=cst.Name("flat"), equal=_EQUAL)])
            written.append(cst.Arg(keys_of_rows, keyword=cst.Name("pk__in"), equal=_EQUAL,
                                   comma=commas[item]))
        written[-1] = written[-1].with_changes(comma=updated.args[-1].comma)
        return updated.with_changes(args=written)

    @property
    def _moved_names(self) -> frozenset[str]:
        """The names the moved models' own relations go by, which a lookup of theirs means."""
        return frozenset({hop for m in self.boundary.models for hop, _ in m.hops}
                         | self.boundary.replaced_names)

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
