"""Moved models keep the monolith's tables, and the monolith stays their schema owner.

Every concrete moved model gets ``db_table`` pinned to the table it has in the monolith and
``managed = False``, so the service never creates, alters or drops the shared tables.
"""

from __future__ import annotations

import libcst as cst

from extractor.codemods.base import Boundary, ExtractionCodemod, assigned_name, register


@register
class PinTables(ExtractionCodemod):
    NAME = "pin_tables"
    ORDER = 20
    DESCRIPTION = "Pin db_table and set managed = False on moved concrete models."

    @classmethod
    def applies(cls, source: str, module: str, boundary: Boundary) -> bool:
        return any(m.module == module and not m.abstract for m in boundary.models)

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        model = self.moved_model(original.name.value)
        if model is None or model.abstract:
            return updated
        settings = {"db_table": f'"{model.db_table}"', "managed": "False"}
        body = list(updated.body.body)
        meta_index, found = next(((i, s) for i, s in enumerate(body)
                                  if isinstance(s, cst.ClassDef) and s.name.value == "Meta"),
                                 (None, None))
        if meta_index is None or found is None:
            meta = cst.ClassDef(name=cst.Name("Meta"), body=cst.IndentedBlock(body=[]),
                                leading_lines=[cst.EmptyLine(indent=False)])
            body.append(self._pinned(meta, settings))
        else:
            body[meta_index] = self._pinned(found, settings)
        changed = updated.with_changes(body=updated.body.with_changes(body=body))
        if changed.deep_equals(updated):
            return updated
        self.report(original, f"{model.label}: db_table = {model.db_table!r}, managed = False "
                    "(the monolith owns the schema)")
        return changed

    @staticmethod
    def _pinned(meta: cst.ClassDef, settings: dict[str, str]) -> cst.ClassDef:
        kept = [s for s in meta.body.body if (assigned_name(s) or "") not in settings]
        added = [cst.parse_statement(f"{name} = {value}\n") for name, value in settings.items()]
        return meta.with_changes(body=meta.body.with_changes(body=[*kept, *added]))

