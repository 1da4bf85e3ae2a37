"""ModelAdmin options that name a relation which became an id column.

In the service ``Order.user`` is the ``user_id`` column plus a ``RemoteRelation``, so Django's
admin can no longer treat ``user`` as a field: ``raw_id_fields = ["user"]`` fails the admin's
system checks and ``search_fields = ["user__email"]`` needs a JOIN into a table the service must
not read. Each entry is rewritten where an equivalent exists (``fields``/``ordering``
``"user"`` -> ``"user_id"``; ``raw_id_fields`` dropped, since the id column is edited as the
number the raw-id widget showed) and dropped otherwise; every change is reported with its line,
as an error when the admin loses a feature (a search or filter across the boundary, a
many-to-many that is no model field any more). The forms' ``Meta`` are model_forms' job.
"""

from __future__ import annotations

import libcst as cst

from decompose.model import Level
from extractor.codemods.base import (
    Boundary,
    ExtractionCodemod,
    ReplacedRelation,
    admin_module,
    register,
    string_value,
)
from extractor.codemods.field_names import Decision, model_classes, rewrite_entries

# Options whose entries are field names (or lookups) on the admin's model.
RENAMED = frozenset({"fields", "exclude", "readonly_fields", "list_filter", "ordering",
                     "search_fields", "list_display"})
# Options that only make sense on a real relation: the entry goes, the id column stays editable.
DROPPED = {
    "raw_id_fields": (Level.INFO, "the form edits the id column {column}, a number as the "
                      "raw-id widget showed"),
    "autocomplete_fields": (Level.WARNING, "the form edits the id column {column} as a number; "
                            "the rows to pick from are in the monolith"),
    "list_select_related": (Level.INFO, "not a join any more: the service's admin reads the "
                            "rows from the monolith, one call per page"),
}
# Widgets of many-to-many fields: such a field to the monolith is a RemoteManyToMany now.
MANY_TO_MANY_WIDGETS = frozenset({"filter_horizontal", "filter_vertical"})
OPTIONS = RENAMED | set(DROPPED) | MANY_TO_MANY_WIDGETS | {"fieldsets"}
# search_fields' prefixes (^ = @) and ordering's "-".
PREFIXES = "^=@-"
ID_LOOKUPS = frozenset({"", "id", "pk"})


@register
class AdminOptions(ExtractionCodemod):
    NAME = "admin_options"
    ORDER = 30
    DESCRIPTION = "Rewrite or drop admin options naming relations that became id columns."

    @classmethod
    def applies(cls, source: str, module: str, boundary: Boundary) -> bool:
        return bool(boundary.replaced) and admin_module(module)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._classes: list[str] = []
        self._models: dict[str, frozenset[str]] = {}

    def visit_Module(self, node: cst.Module) -> None:
        self._models = model_classes(node, self.boundary)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._classes.append(node.name.value)

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        self._classes.pop()
        return updated

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        target = original.targets[0].target if len(original.targets) == 1 else None
        option = target.value if isinstance(target, cst.Name) else ""
        # a ModelForm's Meta (``model = Order``, ``fields``...) is model_forms' job
        if not self._classes or self._classes[-1] == "Meta" or option not in OPTIONS:
            return updated
        relations = self._relations(self._classes[-1])
        if not relations:
            return updated
        if option == "fieldsets":
            value = self._fieldsets(original.value, relations)
        else:
            value = self._entries(option, original.value, relations)
        return updated if value is original.value else updated.with_changes(value=value)

    def _relations(self, admin_class: str) -> dict[str, ReplacedRelation]:
        """Replaced relations of the class's model(s); of every moved model when the file
        does not say which model the class is for (a shared base or mixin)."""
        labels = self._models.get(admin_class)
        return {r.field: r for r in self.boundary.replaced if labels is None or r.model in labels}

    def _fieldsets(self, node: cst.BaseExpression, relations: dict[str, ReplacedRelation],
                   ) -> cst.BaseExpression:
        """``(name, {"fields": (...)})`` pairs: the "fields" of each options dict."""
        if not isinstance(node, cst.List | cst.Tuple):
            return node
        elements = []
        for element in node.elements:
            pair = element.value
            if isinstance(pair, cst.List | cst.Tuple) and len(pair.elements) == 2 and (
                    isinstance(pair.elements[1].value, cst.Dict)):
                options = pair.elements[1].value
                entries = [entry.with_changes(value=self._entries(
                    "fields", entry.value, relations)) if isinstance(entry, cst.DictElement)
                    and string_value(entry.key) == "fields" else entry
                    for entry in options.elements]
                pair = pair.with_changes(elements=[pair.elements[0], pair.elements[1].with_changes(
                    value=options.with_changes(elements=entries))])
            elements.append(element.with_changes(value=pair))
        return node.with_changes(elements=elements)

    def _entries(self, option: str, node: cst.BaseExpression,
                 relations: dict[str, ReplacedRelation]) -> cst.BaseExpression:
        return rewrite_entries(node, lambda entry, _: _decide(option, entry, relations),
                               self._report, nested=option in {"fields", "exclude"})

    def _report(self, node: cst.CSTNode, decision: Decision) -> None:
        self.report(node, decision.message, decision.level)


def _decide(option: str, entry: str, relations: dict[str, ReplacedRelation],
            ) -> Decision | None:
    bare = entry.lstrip(PREFIXES)
    prefix = entry[: len(entry) - len(bare)]
    name, _, rest = bare.partition("__")
    relation = relations.get(name)
    if relation is None:
        return None
    if relation.through is not None:  # not a model field any more: no form edits it
        return Decision(None, Level.ERROR, f"{option} {entry!r} removed: the many-to-many to "
                        f"{relation.target} is a RemoteManyToMany over "
                        f"{relation.through.name} now, which admin forms cannot edit")
    column = f"{name}_id"
    if option in DROPPED:
        level, why = DROPPED[option]
        return Decision(None, level, f"{option} {entry!r} removed: {why.format(column=column)}")
    if rest in ID_LOOKUPS and not (option == "list_display" and not rest):
        level = Level.WARNING if option == "list_filter" else Level.INFO
        why = " (its choices are the ids, not the rows)" if option == "list_filter" else ""
        return Decision(prefix + column, level, f"{option} {entry!r} -> {prefix + column!r}"
                        f"{why}")
    if not rest:  # list_display "user": RemoteRelation renders the monolith's str(row)
        return Decision(entry, Level.INFO, f"{option} {entry!r} is read from the monolith "
                        f"({relation.target}, one call per page); the column is not sortable")
    if option == "search_fields" and rest.isidentifier() and "__" not in rest:
        return Decision(entry, Level.INFO, f"{option} {entry!r}: searched through the monolith "
                        f"({column}__in=pks_where({relation.target!r}, {rest}=...)), at most "
                        "1,000 matching rows")
    return Decision(None, Level.ERROR, f"{option} {entry!r} removed: it traverses {name!r}, "
                    "a relation to the monolith, which the service cannot query")
