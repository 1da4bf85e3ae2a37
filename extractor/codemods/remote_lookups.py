"""Lookups on the monolith's models that its bridge will refuse, reported before anything runs.

The bridge answers a remote queryset's ``filter``/``exclude``/``get`` on the model's own
allowlisted fields with plain lookups (``name__icontains``, ``owner=user``); a lookup joining
across a relation (taiga's ``Project.objects.filter(Q(memberships__user=user))``) is refused
at run time with a 403, a 500 of the service's view, unless every model and key along it is
allowlisted: the joins the plan found (plan/joins.py) are, and run. Any other, found in the
moved code as a keyword or inside the ``Q`` objects passed along, is an error of EXTRACTION.md
instead; the code is left as written.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import libcst as cst
import libcst.matchers as m

from decompose.model import Handling, Level
from decompose_runtime.protocol import QUERY_LOOKUPS
from extractor.codemods.base import (
    Boundary,
    ExtractionCodemod,
    chain_root,
    register,
    remote_imports,
)
from extractor.codemods.fk_lookups import QUERY_METHODS, lookup_path

_Q = m.Call(func=m.Name("Q") | m.Attribute(attr=m.Name("Q")))


@register
class RemoteLookups(ExtractionCodemod):
    NAME = "remote_lookups"
    DESCRIPTION = "Report lookups on the monolith's models that join across relations."

    @classmethod
    def applies(cls, source: str, module: str, boundary: Boundary) -> bool:
        return "__" in source and any(n.handling == Handling.REMOTE_MODEL
                                      for mirror in boundary.mirrors for n in mirror.names)

    def visit_Module(self, node: cst.Module) -> None:
        self._remote = {name: _label(self.boundary, dotted) for name, (dotted, handling)
                        in remote_imports(node, self.boundary, self.package).items()
                        if handling == Handling.REMOTE_MODEL}

    def visit_Call(self, node: cst.Call) -> None:
        if not (isinstance(node.func, cst.Attribute) and node.func.attr.value in QUERY_METHODS
                and chain_root(node) in self._remote):
            return
        label = self._remote[chain_root(node)]
        for key in _lookups(node.args):
            field, _, lookup = key.partition("__")
            if lookup and lookup not in QUERY_LOOKUPS and (
                    label, lookup_path(key)) not in self.boundary.joins:
                self.report(node, f"lookup {key!r} on the monolith's {chain_root(node)} joins "
                            f"across {field!r}, which its bridge refuses (a 403, when the view "
                            "runs): it joins only through foreign keys between models of the "
                            "monolith's own apps the service reads; ask a remote function for "
                            "these rows, or filter on ids", Level.ERROR)


def _label(boundary: Boundary, dotted: str) -> str:
    """The model label a remote model's import names (``taiga.projects.models.Project``)."""
    module, _, name = dotted.rpartition(".")
    found = boundary.mirror_name(module, name)
    return found.target if found else ""


def _lookups(args: Sequence[cst.Arg]) -> Iterator[str]:
    """The keywords of a query call, and of every ``Q(...)`` among its arguments."""
    for arg in args:
        if arg.keyword is not None:
            yield arg.keyword.value
        for q in m.findall(arg.value, _Q):
            yield from (a.keyword.value for a in q.args  # type: ignore[attr-defined]
                        if a.keyword is not None)
