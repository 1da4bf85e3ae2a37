"""Generic relations to models that stay in the monolith become ``RemoteGenericRelation``.

``attachments = GenericRelation("attachments.Attachment")`` on taiga's ``WikiPage`` names a
model of an app the service does not install (fields.E307 at the service's checks). It becomes
``attachments = RemoteGenericRelation("attachments.Attachment")``: ``page.attachments`` asks
the monolith for the rows whose generic key points at the page, and the relation's custom
``content_type_field``/``object_id_field`` are kept. What Django did with the relation itself
(a reverse query name, deleting those rows with the page) is gone: reported as a warning.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import RemoveImportsVisitor

from decompose.model import Level
from decompose_runtime.names import REMOTE_GENERIC_RELATION
from extractor.codemods.base import (
    Boundary,
    ExtractionCodemod,
    assigned_name,
    register,
    string_value,
)

KEPT_ARGUMENTS = ("content_type_field", "object_id_field")


@register
class RemoteGenerics(ExtractionCodemod):
    NAME = "remote_generics"
    ORDER = 12  # beside fk_to_id, before the codemods that read model fields
    DESCRIPTION = "Replace generic relations to models that stay by RemoteGenericRelation."

    @classmethod
    def applies(cls, source: str, module: str, boundary: Boundary) -> bool:
        return bool(boundary.remote_generics) and "GenericRelation" in source

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        model = self.moved_model(original.name.value)
        generics = {g.field: g for g in self.boundary.remote_generics
                    if model and g.model == model.label}
        if not generics:
            return updated
        body = []
        for before, statement in zip(original.body.body, updated.body.body, strict=True):
            generic = generics.get(assigned_name(statement) or "")
            if generic is None or not isinstance(statement, cst.SimpleStatementLine):
                body.append(statement)
                continue
            call = statement.body[0].value  # type: ignore[attr-defined]
            kept = "".join(
                f", {arg.keyword.value}={arg.value.value}" for arg in call.args
                if arg.keyword and arg.keyword.value in KEPT_ARGUMENTS
                and string_value(arg.value) is not None)
            RemoveImportsVisitor.remove_unused_import_by_node(self.context, before)
            self.import_runtime(REMOTE_GENERIC_RELATION)
            self.report(before, f"{generic.model}.{generic.field}: GenericRelation to "
                        f"{generic.target} -> RemoteGenericRelation (the monolith's rows; no "
                        "reverse lookups, nor deleting them with this row)", Level.WARNING)
            body.append(statement.with_changes(body=[cst.Assign(
                targets=[cst.AssignTarget(cst.Name(generic.field))],
                value=cst.parse_expression(
                    f'{REMOTE_GENERIC_RELATION.name}("{generic.target}"{kept})'))]))
        return updated.with_changes(body=updated.body.with_changes(body=body))
