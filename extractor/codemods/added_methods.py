"""What the moved code gives a model that stays is moved code, run in the service.

Tandoor's models module gives Django's user model methods: ``auth.models.User.add_to_class(
'get_active_space', get_active_space)``, whose body reads the moved models
(``self.userspace_set``). The monolith has those no longer, so its rows cannot run them; the
service's rows of that model (remote rows, the token's user) must. The call becomes
``add_to_class(auth.models.User, 'get_active_space', get_active_space)`` (decompose_remote),
which still gives the service's own class the method and gives it the monolith's rows here too.
A moved model's own ``add_to_class`` is left as written.
"""

from __future__ import annotations

from typing import cast

import libcst as cst

from decompose.model import Handling
from decompose_runtime.names import ADD_TO_CLASS
from extractor.codemods.base import Boundary, ExtractionCodemod, dotted, register


@register
class AddedMethods(ExtractionCodemod):
    NAME = "added_methods"
    ORDER = 50
    DESCRIPTION = "Model.add_to_class(...) on a model that stays -> its remote rows have it too."

    @classmethod
    def applies(cls, source: str, module: str, boundary: Boundary) -> bool:
        return ".add_to_class(" in source and any(
            n.handling == Handling.REMOTE_MODEL for m in boundary.mirrors for n in m.names)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = original.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "add_to_class"
                and len(original.args) == 2 and not any(a.keyword for a in original.args)):
            return updated
        owner = dotted(func.value)
        if not owner or owner.rpartition(".")[2] in {m.name for m in self.boundary.models}:
            return updated
        self.import_runtime(ADD_TO_CLASS)
        self.report(original, f"{owner}.add_to_class(...) -> {ADD_TO_CLASS.name}({owner}, "
                    "...): the service runs it on the monolith's rows of that model too")
        model = cast(cst.Attribute, updated.func).value
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        return cst.Call(cst.Name(ADD_TO_CLASS.name),
                        args=[cst.Arg(model, comma=comma), *updated.args])
