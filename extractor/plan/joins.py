"""Lookups of the moved code that join the monolith's models together, run by its bridge.

``Project.objects.filter(Q(memberships__user=user))`` on a remote model, and a service row's
``filter(project__memberships__user=user)`` through a key that became an id column (asked of
the monolith as ``pks_where("projects.Project", memberships__user=user)``), join
``projects.Project`` to ``projects.Membership`` in the monolith; so does an ordering
(``order_by("project__memberships__user_order")``). The bridge runs such a join when every
model and key along it is allowlisted. Found here, statically, so that the allowlist names
exactly the columns the joins read (``Membership.project_id``, ``user_id``, ``user_order``)
and the codemods know which lookups will run. A path through a many-to-many, a generic
relation, a moved model or a name the graph does not know is not a join: its lookup is
reported by the codemods and left as written.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from decompose.model import ProjectGraph, RelationKind
from decompose_runtime.protocol import QUERY_LOOKUPS
from extractor.codemods.base import ReplacedRelation
from extractor.codemods.fk_lookups import QUERY_METHODS
from extractor.plan.relations import reverse_name
from extractor.plan.scope import Scope

KEYS = (RelationKind.FOREIGN_KEY, RelationKind.ONE_TO_ONE)


@dataclass(frozen=True, order=True)
class Join:
    """A path of fields from one monolith model into others, and the columns it reads."""

    model: str  # where the query starts, "projects.Project"
    path: str  # the fields without the lookup, "memberships__user"
    columns: tuple[tuple[str, str], ...]  # (label, column) per step: ("projects.Membership",
    # "project_id"), ("projects.Membership", "user_id")


def joins(scope: Scope, python: Iterable[tuple[str, str]], remote: Mapping[str, str],
          replaced: Iterable[ReplacedRelation]) -> tuple[Join, ...]:
    """The joins of the moved code: lookups and orderings of queries on the remote models
    (``remote``: local name -> label), and those through a replaced key (its field names ->
    the one model they all reach)."""
    targets: dict[str, set[str]] = {}
    for relation in replaced:
        if not relation.many:
            targets.setdefault(relation.field, set()).add(relation.target)
    keyed = {field: labels.pop() for field, labels in targets.items() if len(labels) == 1}
    found = set()
    for path, _ in python:
        tree = scope.source.tree(path)
        for label, key in _keys(tree, remote, keyed) if tree else ():
            join = resolve(scope, label, key.split("__"))
            if join is not None:
                found.add(join)
    return tuple(sorted(found))


def resolve(scope: Scope, start: str, names: list[str]) -> Join | None:
    """The join ``names`` (a lookup or an ordering) makes from ``start``, when it crosses at
    least one relation and the bridge can run it; None otherwise."""
    columns: list[tuple[str, str]] = []
    label, reverse = start, False
    for name in names:
        if columns and name in QUERY_LOOKUPS:  # on a key: compared with its column
            break
        model = scope.graph.model(label)
        if model is None or model.app in scope.moved_labels or model.app not in scope.own_labels:
            return None
        forward = next((r for r in model.relations if r.field == name), None)
        back = None if forward else _reverse(scope.graph, label, name)
        if forward is not None:
            if forward.kind not in KEYS or not forward.target:
                return None
            columns.append((label, f"{name}_id"))
            label, reverse = forward.target, False
        elif back is not None:
            columns.append((back[0], f"{back[1]}_id"))
            label, reverse = back[0], True
        else:
            field = next((f for f in model.fields if f.name == name or (
                name == "pk" and f.primary_key)), None)
            if field is None:
                return None
            columns.append((label, field.name))
            reverse = False
            break
    rest = names[len(columns):]
    # The bridge compares no reverse relation itself (``memberships=...``: keys it does not
    # give), and one relation alone is no join.
    if reverse or len(columns) < 2 or len(rest) > 1 or (rest and rest[0] not in QUERY_LOOKUPS):
        return None
    return Join(start, "__".join(names[:len(columns)]), tuple(columns))


def _reverse(graph: ProjectGraph, label: str, name: str) -> tuple[str, str] | None:
    """(model, key field) of the foreign key or one-to-one to ``label`` whose query name is
    ``name`` (its ``related_name``, else its model's name in lower case)."""
    for model in graph.models:
        for relation in model.relations if not model.abstract else ():
            if relation.target == label and relation.kind in KEYS and not relation.parent_link:
                query_name = (reverse_name(model, relation) if relation.related_name is not None
                              else model.name.lower())
                if query_name == name:
                    return model.label, relation.field
    return None


def _keys(tree: ast.Module, remote: Mapping[str, str], keyed: Mapping[str, str]
          ) -> Iterator[tuple[str, str]]:
    """(model label, lookup or ordering from it) of each query call in ``tree``: on a remote
    model's chain from that model, elsewhere (the service's rows, ``Q`` objects) from the
    model a replaced key named first reaches (``project__memberships__user`` ->
    ``projects.Project``, ``memberships__user``)."""
    inside_remote: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or id(node) in inside_remote:
            continue
        method = _name(node.func)
        if method not in QUERY_METHODS and method != "order_by":
            continue
        root = remote.get(_root(node)) if method != "Q" else None
        keys = [k.arg for k in node.keywords if k.arg] + [
            a.value.lstrip("-") for a in node.args if method == "order_by"
            and isinstance(a, ast.Constant) and isinstance(a.value, str)]
        for q in (n for arg in node.args for n in ast.walk(arg) if isinstance(n, ast.Call)
                  and _name(n.func) == "Q"):
            if root:
                inside_remote.add(id(q))
                keys += [k.arg for k in q.keywords if k.arg]
        for key in keys:
            field, _, rest = key.partition("__")
            if root:
                yield root, key
            elif rest and field in keyed:
                yield keyed[field], rest


def _root(node: ast.expr) -> str:
    """The name a call chain starts from: ``Project.objects.filter(...)`` -> "Project"."""
    while isinstance(node, ast.Call | ast.Attribute | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else ""


def _name(node: ast.expr) -> str:
    return node.attr if isinstance(node, ast.Attribute) else (
        node.id if isinstance(node, ast.Name) else "")
