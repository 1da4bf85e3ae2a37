"""ModelForms of moved models that name a relation which became an id column.

Django builds a ModelForm's fields when the class is created, so ``Meta.fields = ("email",
"group")`` raises FieldError at import once ``InviteLink.group`` is the ``group_id`` column
(tandoor's ``InviteLinkForm`` stopped the service's checks). The form derives from the
runtime's ``RemoteModelForm`` instead of ``ModelForm`` (the factories get ``form=``): its
``group`` stays a field of that name, a choice of the monolith's rows listed through the bridge,
cleaned to the row and saved into ``group_id``, so the templates, views and tests that read
``form.group``, ``cleaned_data["group"]`` or post ``group`` keep working, and every ``Meta``
option naming it stays; a many-to-many kept as pairs stays a multiple choice of the rows,
saved as pairs. A ``field_classes`` entry for either (a model choice field over the monolith's
rows, which the service cannot query) is dropped.

A ModelForm of a model that stays (``Meta.model`` a remote model: pretalx's forms of its
``SpeakerProfile``) derives from ``RemoteModelForm`` too: Django's would fail on a monolith row
given as ``instance`` (it has no ``_meta``); this one edits it as a draft, rendered and
validated in the service, saved only in the monolith.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import libcst as cst
from libcst.codemod.visitors import RemoveImportsVisitor

from decompose.model import Handling, Level
from decompose_runtime.names import REMOTE_MODEL_FORM
from extractor.codemods.base import (
    Boundary,
    ExtractionCodemod,
    ReplacedRelation,
    assigned_name,
    dotted,
    register,
    remote_imports,
    string_value,
)
from extractor.codemods.field_names import (
    Decision,
    model_classes,
    model_labels,
    model_names,
    rewrite_keys,
)

NAMED = ("fields", "exclude")  # what decides the relations a form edits
# factory -> position of its model argument (its form argument is the next one)
FACTORIES = {"modelform_factory": 0, "modelformset_factory": 0, "inlineformset_factory": 1}
MODEL_FORM = "ModelForm"


@dataclass(frozen=True)
class _Form:
    """An open class: for a ModelForm of a moved model, the relations it names."""

    name: str
    relations: dict[str, ReplacedRelation] = field(default_factory=dict)
    named: dict[str, frozenset[str]] = field(default_factory=dict)  # Meta's fields, exclude

    def edited(self, relations: Iterable[ReplacedRelation]) -> list[ReplacedRelation]:
        """Those of ``relations`` the form has a field for, as far as its literal ``fields``
        and ``exclude`` say."""
        fields, exclude = self.named.get("fields"), self.named.get("exclude", frozenset())
        return [relation for relation in relations if relation.field not in exclude
                and (fields is None or relation.field in fields)]


@register
class ModelForms(ExtractionCodemod):
    NAME = "model_forms"
    ORDER = 31
    DESCRIPTION = ("Make ModelForms of moved models RemoteModelForms, which edit relations "
                   "that became id columns as choices of the monolith's rows.")

    @classmethod
    def applies(cls, source: str, module: str, boundary: Boundary) -> bool:
        return MODEL_FORM in source or (
            bool(boundary.replaced) and ("Form" in source or "formset_factory" in source))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._classes: list[_Form] = []
        self._forms: dict[str, dict[str, ReplacedRelation]] = {}  # ModelForms of the file
        self._remote: set[str] = set()  # those deriving from RemoteModelForm
        self._models: dict[str, frozenset[str]] = {}
        self._names: dict[str, str] = {}
        self._staying: set[str] = set()  # names of remote models

    def visit_Module(self, node: cst.Module) -> None:
        self._models = model_classes(node, self.boundary)
        self._names = model_names(node, self.boundary)
        self._staying = {name for name, (_, kind) in remote_imports(node, self.boundary).items()
                         if kind == Handling.REMOTE_MODEL}

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
        self._classes.append(_Form(name, relations))

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        form = self._classes.pop()
        name = original.name.value
        if any(dotted(b.value) in self._remote for b in original.bases):
            self._remote.add(name)  # a RemoteModelForm already
            return updated
        # its own Meta decides (a subclass of a form of the file naming the relation too)
        relations = form.edited(form.relations.values()) if (
            name in self._models or form.named) else []
        staying = _meta_model(original) if any(
            dotted(b.value).rpartition(".")[2] == MODEL_FORM for b in original.bases) else None
        if staying not in self._staying and not relations:
            return updated
        self._remote.add(name)
        declared = {assigned_name(statement) for statement in original.body.body}
        self.report(original, f"{name} derives from RemoteModelForm: " + (
            _edited(relations, frozenset(n for n in declared if n)) if relations else
            f"a form of the monolith's {staying}, whose rows it edits as drafts (rendered and "
            "validated here, saved only in the monolith)"))
        self.import_runtime(REMOTE_MODEL_FORM)
        remote = cst.Name(REMOTE_MODEL_FORM.name)
        for position, base in enumerate(original.bases):
            if dotted(base.value).rpartition(".")[2] == MODEL_FORM:
                RemoveImportsVisitor.remove_unused_import_by_node(self.context, base.value)
                bases = list(updated.bases)
                bases[position] = bases[position].with_changes(value=remote)
                return updated.with_changes(bases=bases)
        # A ModelForm of the project's: RemoteModelForm after it keeps one method order.
        return updated.with_changes(bases=[*updated.bases, cst.Arg(remote)])

    def _relations(self, labels: frozenset[str]) -> dict[str, ReplacedRelation]:
        return {r.field: r for r in self.boundary.replaced if r.model in labels}

    # --- Meta options and the factories' keyword arguments -----------------------------

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        target = original.targets[0].target if len(original.targets) == 1 else None
        option = target.value if isinstance(target, cst.Name) else ""
        if (len(self._classes) < 2 or self._classes[-1].name != "Meta"
                or not self._classes[-2].relations):
            return updated
        form = self._classes[-2]
        if option in NAMED and (names := _literal_names(original.value)) is not None:
            form.named[option] = names
        value = self._option(option, original.value, form)
        return updated if value is original.value else updated.with_changes(value=value)

    def _option(self, option: str, node: cst.BaseExpression, form: _Form,
                ) -> cst.BaseExpression:
        """``field_classes`` without the relations' entries; every other option as it is."""
        if option != "field_classes":
            return node
        return rewrite_keys(node, lambda name, _: _dropped(name, form), self._report)

    def _report(self, node: cst.CSTNode, decision: Decision) -> None:
        self.report(node, decision.message, decision.level)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        factory = dotted(original.func).rpartition(".")[2]
        if factory not in FACTORIES:
            return updated
        position = FACTORIES[factory]
        positional = [arg.value for arg in original.args if arg.keyword is None]
        keywords = {arg.keyword.value: arg.value for arg in original.args if arg.keyword}
        model = keywords.get("model", positional[position] if len(positional) > position
                             else None)
        relations = self._relations(frozenset(model_labels(model, self._names))
                                    ) if model is not None else {}
        if not relations:
            return updated
        form = _Form(dotted(original.func), relations, {
            option: names for option in NAMED if option in keywords
            and (names := _literal_names(keywords[option])) is not None})
        args = [new.with_changes(value=value) if before.keyword and (value := self._option(
            before.keyword.value, before.value, form)) is not before.value else new
            for before, new in zip(original.args, updated.args, strict=True)]
        edited = form.edited(relations.values())
        given = keywords.get("form", positional[position + 1] if len(positional) > position + 1
                             else None)
        if not edited or (given is not None
                          and dotted(given).rpartition(".")[2] != MODEL_FORM):
            return updated.with_changes(args=args)  # the project's form class decides
        self.report(original, f"{factory}(..., form=RemoteModelForm): {_edited(edited)}")
        self.import_runtime(REMOTE_MODEL_FORM)
        remote = cst.Name(REMOTE_MODEL_FORM.name)
        if given is None:
            return updated.with_changes(args=[*args, cst.Arg(remote, keyword=cst.Name("form"),
                                                             equal=cst.AssignEqual(
                cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))])
        RemoveImportsVisitor.remove_unused_import_by_node(self.context, given)
        return updated.with_changes(args=[arg.with_changes(value=remote) if before.value is given
                                          else arg for before, arg in zip(
                                              original.args, args, strict=True)])


def _meta_model(node: cst.ClassDef) -> str | None:
    """The name a class's ``Meta.model`` is assigned, as written."""
    for inner in node.body.body:
        if isinstance(inner, cst.ClassDef) and inner.name.value == "Meta":
            for line in inner.body.body:
                if assigned_name(line) == "model" and isinstance(line, cst.SimpleStatementLine):
                    assign = line.body[0]
                    return dotted(assign.value) if isinstance(assign, cst.Assign) else None
    return None


def _literal_names(node: cst.BaseExpression) -> frozenset[str] | None:
    """The names a literal list or tuple holds; None for anything else (``"__all__"``)."""
    if not isinstance(node, cst.List | cst.Tuple):
        return None
    return frozenset(name for element in node.elements if (name := string_value(element.value)))


def _edited(relations: Iterable[ReplacedRelation], declared: frozenset[str] = frozenset(),
            ) -> str:
    """What the form does with each relation: a choice of rows, or its own field's value,
    saved into the id column (the pairs)."""
    return ", ".join(_saved(relation, relation.field in declared) for relation in relations)


def _saved(relation: ReplacedRelation, declared: bool) -> str:
    into = (f"as pairs in {relation.through.name}" if relation.through
            else f"into {relation.field}_id")
    if declared:
        return f"its own field {relation.field!r} is saved {into}"
    choice = "a multiple choice" if relation.many else "a choice"
    return (f"{relation.field!r} is {choice} of the monolith's {relation.target} rows saved "
            f"{into}")


def _dropped(name: str, form: _Form) -> Decision | None:
    relation = form.relations.get(name)
    if relation is None:
        return None
    kind = "RemoteModelMultipleChoiceField" if relation.many else "RemoteModelChoiceField"
    return Decision(None, Level.WARNING, f"field_classes {name!r} removed: {name} is a {kind} "
                    f"of the monolith's {relation.target} rows, which a model choice field "
                    "class cannot query")
