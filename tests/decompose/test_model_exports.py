"""decompose.model's lazy names are what type checkers see: one list, checked against the other."""

from __future__ import annotations

import ast
import inspect

import decompose.model


def test_the_type_checking_imports_name_exactly_the_lazy_exports():
    tree = ast.parse(inspect.getsource(decompose.model))
    block = next(node for node in tree.body if isinstance(node, ast.If)
                 and ast.unparse(node.test) == "TYPE_CHECKING")
    seen = {(node.module.rpartition(".")[2], alias.name) for node in block.body
            if isinstance(node, ast.ImportFrom) for alias in node.names}
    exported = {(module, name) for module, names in decompose.model._EXPORTS.items()
                for name in names}
    assert seen == exported


def test_every_lazy_name_resolves():
    for name in decompose.model.__all__:
        assert getattr(decompose.model, name) is not None
