"""ModelForms of moved models that name a relation which became an id column.

Django builds a ModelForm's fields when the class is created, so ``Meta.fields = ("email",
"group")`` raises FieldError at import once ``InviteLink.group`` is the ``group_id`` column
(tandoor's ``InviteLinkForm`` stopped the service's checks). The form edits the id column
instead: ``"group"`` -> ``"group_id"`` in ``fields``, ``exclude`` and ``localized_fields``, in
the keys of ``labels``, ``help_texts``, ``error_messages`` and of ``widgets`` that are inputs
(``HiddenInput``), and in the form's own references (``self.fields["group"]``,
``cleaned_data["group"]``, ``add_error("group", ...)``, ``clean_group``); the same for the
keyword arguments of ``modelform_factory`` and the formset factories. The field Django makes
for the column is a number (an ``IntegerField`` for an integer key) where there was a select of
the rows, not checked against the monolith's rows: listing or checking them would be a call to
the monolith per form, the trade-off the admin's ``raw_id_fields`` makes. A ``field_classes``
entry (a choice field of rows) or a widget that is no input (a select) cannot edit a number and
is dropped; a many-to-many kept as pairs is no model field, so no form edits it (an error).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from decompose.model import Level
from extractor.codemods.base import (
    Boundary,
    ExtractionCodemod,
    ReplacedRelation,
    assigned_name,
    dotted,
    register,
    string_value,
)
from extractor.codemods.field_names import (
    Decision,
    model_classes,
    model_labels,
    model_names,
    rewrite_entries,
    rewrite_keys,
)

LISTS = frozenset({"fields", "exclude", "localized_fields"})
KEYED = frozenset({"widgets", "labels", "help_texts", "error_messages", "field_classes"})
# factory -> position of its model argument
FACTORIES = {"modelform_factory": 0, "modelformset_factory": 0, "inlineformset_factory": 1}
# what a form reads its fields' state by, with the level of a renamed reference
REFERENCES = {"fields": Level.INFO, "initial": Level.WARNING, "cleaned_data": Level.WARNING}
DICT_METHODS = frozenset({"get", "pop", "setdefault"})


@dataclass(frozen=True)
class _Form:
    """An open class: for a ModelForm of a moved model, the relations it names and the names
    it declares fields for itself (those stay: they are no model fields)."""

    name: str
    relations: dict[str, ReplacedRelation] = field(default_factory=dict)
    declared: frozenset[str] = frozenset()

    def replaced(self, name: str) -> ReplacedRelation | None:
        return None if name in self.declared else self.relations.get(name)


@register
class ModelForms(ExtractionCodemod):
    NAME = "model_forms"
    ORDER = 31
    DESCRIPTION = "Point ModelForms' field names at the id columns relations became."

    @classmethod
    def applies(cls, source: str, module: str, boundary: Boundary) -> bool:
        return bool(boundary.replaced) and ("Form" in source or "formset_factory" in source)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._classes: list[_Form] = []
        self._forms: dict[str, dict[str, ReplacedRelation]] = {}  # ModelForms of the file
        self._models: dict[str, frozenset[str]] = {}
        self._names: dict[str, str] = {}

    def visit_Module(self, node: cst.Module) -> None:
        self._models = model_classes(node, self.boundary)
        self._names = model_names(node, self.boundary)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        name = node.name.value
        bases = [dotted(b.value) for b in node.bases]
        if name == "Meta" and self._classes:
            self._classes.append(_Form(name))
            return
        if not any(b.endswith("Form") or b in self._forms for b in bases):
            self._classes.append(_Form(name))
            return
        relations = self._relations(self._models.get(name, frozenset()))
        for base in bases:
            relations = {**self._forms.get(base, {}), **relations}
        self._forms[name] = relations
        declared = {assigned_name(s) for s in node.body.body}
        self._classes.append(_Form(name, relations, frozenset(n for n in declared if n)))

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        self._classes.pop()
        return updated

    def _relations(self, labels: frozenset[str]) -> dict[str, ReplacedRelation]:
        return {r.field: r for r in self.boundary.replaced if r.model in labels}

    # --- Meta options and the factories' keyword arguments -----------------------------

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        target = original.targets[0].target if len(original.targets) == 1 else None
        option = target.value if isinstance(target, cst.Name) else ""
        if (len(self._classes) < 2 or self._classes[-1].name != "Meta"
                or not self._classes[-2].relations):
            return updated
        value = self._option(option, original.value, self._classes[-2])
        return updated if value is original.value else updated.with_changes(value=value)

    def _option(self, option: str, node: cst.BaseExpression, form: _Form,
                ) -> cst.BaseExpression:
        if option in LISTS:
            return rewrite_entries(node, lambda name, _: _decide(option, name, None, form),
                                   self._report)
        if option in KEYED:
            return rewrite_keys(node, lambda name, value: _decide(option, name, value, form),
                                self._report)
        return node

    def _report(self, node: cst.CSTNode, decision: Decision) -> None:
        self.report(node, decision.message, decision.level)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        factory = dotted(original.func).rpartition(".")[2]
        if factory in FACTORIES:
            return self._factory(original, updated, FACTORIES[factory])
        return self._reference_call(original, updated)

    def _factory(self, original: cst.Call, updated: cst.Call, position: int) -> cst.Call:
        positional = [arg.value for arg in original.args if arg.keyword is None]
        keywords = {arg.keyword.value: arg.value for arg in original.args if arg.keyword}
        model = keywords.get("model", positional[position] if len(positional) > position
                             else None)
        relations = self._relations(frozenset(model_labels(model, self._names))
                                    ) if model is not None else {}
        if not relations:
            return updated
        form = _Form(dotted(original.func), relations)
        args = [new.with_changes(value=value) if before.keyword and (value := self._option(
            before.keyword.value, before.value, form)) is not before.value else new
            for before, new in zip(original.args, updated.args, strict=True)]
        return updated.with_changes(args=args)

    # --- the form's own references to its fields -----------------------------------------

    def _form(self) -> _Form | None:
        """The ModelForm whose methods are being read, if one (its Meta is not)."""
        return self._classes[-1] if self._classes and self._classes[-1].relations else None

    def _reference(self, node: cst.BaseExpression, holder: str, shape: str,
                   ) -> cst.SimpleString | None:
        """``node`` renamed to the id column when it is a string naming a replaced relation
        of the form; the rename is reported (``holder``: what reads it, ``self.fields``;
        ``shape``: how, ``self.fields[{}]``)."""
        form = self._form()
        name = string_value(node)
        relation = form.replaced(name) if form and name else None
        if relation is None or relation.many or not isinstance(node, cst.SimpleString):
            return None
        column = f"{name}_id"
        level = REFERENCES.get(holder.rpartition(".")[2], Level.INFO)
        holds = (f": it holds the id of the {relation.target} row, not the row"
                 if level == Level.WARNING else "")
        self.report(node, f"{shape.format(repr(name))} -> {shape.format(repr(column))}{holds}",
                    level)
        return node.with_changes(value=f"{node.prefix}{node.quote}{column}{node.quote}")

    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript,
                        ) -> cst.Subscript:
        holder = dotted(original.value)
        if holder.rpartition(".")[2] not in REFERENCES or len(original.slice) != 1:
            return updated
        index = original.slice[0].slice
        renamed = (self._reference(index.value, holder, holder + "[{}]")
                   if isinstance(index, cst.Index) else None)
        if renamed is None:
            return updated
        return updated.with_changes(slice=[updated.slice[0].with_changes(
            slice=cst.Index(renamed))])

    def _reference_call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        """``cleaned_data.get("group")``, ``self.fields.pop("group")``, ``add_error("group",
        ...)``."""
        if (not isinstance(original.func, cst.Attribute) or not original.args
                or original.args[0].keyword is not None):
            return updated
        method = original.func.attr.value
        holder = dotted(original.func.value)
        if not (method == "add_error" or (method in DICT_METHODS
                                          and holder.rpartition(".")[2] in REFERENCES)):
            return updated
        renamed = self._reference(original.args[0].value, holder,
                                  dotted(original.func) + "({}, ...)")
        if renamed is None:
            return updated
        return updated.with_changes(args=[updated.args[0].with_changes(value=renamed),
                                          *updated.args[1:]])

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef,
                          ) -> cst.FunctionDef:
        form = self._form()
        name = original.name.value
        relation = form.replaced(name.removeprefix("clean_")) if form and name.startswith(
            "clean_") else None
        if relation is None or relation.many:
            return updated
        self.report(original, f"{name} -> {name}_id: it cleans the id of the "
                    f"{relation.target} row, not the row", Level.WARNING)
        return updated.with_changes(name=cst.Name(f"{name}_id"))


def _decide(option: str, name: str, value: cst.BaseExpression | None, form: _Form,
            ) -> Decision | None:
    relation = form.replaced(name)
    if relation is None:
        if option == "fields" and name in form.declared and name in form.relations:
            return Decision(name, Level.WARNING, f"fields {name!r}: the form's own field "
                            f"{name!r} names no model field any more (the column is {name}_id), "
                            "so saving the form does not set it")
        return None
    if relation.through is not None:
        level = Level.ERROR if option == "fields" else Level.INFO
        return Decision(None, level, f"{option} {name!r} removed: the many-to-many to "
                        f"{relation.target} is a RemoteManyToMany over {relation.through.name} "
                        "now, which model forms cannot edit")
    column = f"{name}_id"
    if option == "field_classes" or (option == "widgets" and not _input(value)):
        return Decision(None, Level.WARNING, f"{option} {name!r} removed: {column} is edited "
                        f"as a number, by the form field Django makes for the id column")
    if option == "fields":
        return Decision(column, Level.WARNING, f"fields {name!r} -> {column!r}: the form "
                        f"edits the id of the {relation.target} row as a number named "
                        f"{column!r} (it was a choice of the rows), not checked against the "
                        "monolith's rows")
    return Decision(column, Level.INFO, f"{option} {name!r} -> {column!r}")


def _input(widget: cst.BaseExpression | None) -> bool:
    """A widget that edits text, so a number too (``forms.HiddenInput()``, ``NumberInput``)."""
    node = widget.func if isinstance(widget, cst.Call) else widget
    return node is not None and dotted(node).endswith("Input")
