"""Serializers keep their JSON when models moved or stayed behind.

A ``ModelSerializer`` of a model that stays in the monolith becomes a ``RemoteModelSerializer``
(it renders the same ``Meta.fields`` from a remote object). A ``ModelSerializer`` of a moved
model that lists a relation now held as an id column gets that field declared explicitly, with
the type DRF would have generated: a primary key (a list of them for a many-to-many kept as
pairs), always rendered from the id column; its
base becomes ``IdColumnModelSerializer`` so unique constraints on those columns still give
DRF's 400 rather than a database IntegrityError. Where the monolith has no DRF, its
``ModelSerializer`` is the one of its own fork (taiga's): the base stays, and the field is the
fork's ``PrimaryKeyRelatedField`` with the column as its source.
"""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from decompose.model import Handling, Level
from decompose.paths import MIRROR_PACKAGE
from decompose_runtime.names import (
    FORK_ID_COLUMN_KEY,
    ID_COLUMN_MODEL_SERIALIZER,
    ID_COLUMN_PRIMARY_KEY_FIELD,
    REMOTE_MODEL_SERIALIZER,
)
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
from extractor.codemods.field_names import Decision, model_labels, model_names, rewrite_entries

MODEL_SERIALIZERS = frozenset({"serializers.ModelSerializer", "ModelSerializer"})


@register
class RemoteSerializers(ExtractionCodemod):
    NAME = "remote_serializers"
    ORDER = 50
    DESCRIPTION = "Serializers of remote models, and id-column relations in serializers."

    @classmethod
    def applies(cls, source: str, module: str, boundary: Boundary) -> bool:
        return "ModelSerializer" in source

    def visit_Module(self, node: cst.Module) -> None:
        self._remote = remote_imports(node, self.boundary)
        self._models = model_names(node, self.boundary)
        self._bound = _bound_names(node)
        self._derived: set[str] = set()  # the file's classes deriving from ModelSerializer
        # those deriving from a fork's: its key field, and the module to import it from
        self._fork_keys: dict[str, tuple[str, str]] = {}

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        bases = [dotted(b.value) for b in original.bases]
        named = any(b in MODEL_SERIALIZERS for b in bases)
        # DRF's, unless the monolith has none: then it is its fork's (taiga's)
        direct = named and not self.boundary.drf_fork
        # tandoor's StorageSerializer(WritableNestedModelSerializer, SpacedModelSerializer):
        # a base of the file, or imported (drf-writable-nested's, under an alias)
        if named or any(b in self._derived or _model_serializer(self._bound.get(b) or b)
                        for b in bases):
            self._derived.add(original.name.value)
            key = self._fork_key_field(bases) if self.boundary.drf_fork else None
            if key is not None:
                self._fork_keys[original.name.value] = key
        meta = _meta(updated)
        if original.name.value not in self._derived or meta is None:
            return updated
        model_value = _meta_value(meta, "model")
        model = dotted(model_value) if model_value is not None else ""
        if named and self._remote.get(model, ("", None))[1] == Handling.REMOTE_MODEL:
            self.import_runtime(REMOTE_MODEL_SERIALIZER)
            self.report(original, f"{original.name.value}: ModelSerializer of the monolith's "
                        f"{model} -> RemoteModelSerializer")
            return updated.with_changes(bases=[
                b.with_changes(value=cst.Name(REMOTE_MODEL_SERIALIZER.name))
                if dotted(b.value) in MODEL_SERIALIZERS else b for b in updated.bases])
        labels = model_labels(model_value, self._models) if model_value is not None else set()
        if len(labels) != 1 or not self.boundary.replaced_on(next(iter(labels))):
            return updated
        if self.boundary.drf_fork:
            return self._declare_fork_fields(original, updated, meta, labels.pop(), bases)
        return self._declare_id_fields(original, updated, meta, labels.pop(), direct)

    def _declare_id_fields(self, original: cst.ClassDef, updated: cst.ClassDef,
                           meta: cst.ClassDef, label: str, direct: bool) -> cst.ClassDef:
        if direct:
            self.import_runtime(ID_COLUMN_MODEL_SERIALIZER)
            RemoveImportsVisitor.remove_unused_import(self.context, "rest_framework",
                                                      "serializers")
            self.report(original, f"{original.name.value}: ModelSerializer -> "
                        "IdColumnModelSerializer (uniqueness checks on id columns)")
            updated = updated.with_changes(bases=[
                b.with_changes(value=cst.Name(ID_COLUMN_MODEL_SERIALIZER.name))
                if dotted(b.value) in MODEL_SERIALIZERS else b for b in updated.bases])

        def declare(relation: ReplacedRelation, read_only: bool) -> str:
            name = relation.field
            if relation.many and read_only:
                self.import_runtime(ID_COLUMN_PRIMARY_KEY_FIELD)
                return f"{ID_COLUMN_PRIMARY_KEY_FIELD.name}(many=True, read_only=True)"
            if read_only:
                AddImportsVisitor.add_needed_import(self.context, "rest_framework",
                                                    "serializers")
                return f'serializers.PrimaryKeyRelatedField(source="{name}_id", read_only=True)'
            self.import_runtime(ID_COLUMN_PRIMARY_KEY_FIELD)
            many = "many=True, " if relation.many else ""
            return (f"{ID_COLUMN_PRIMARY_KEY_FIELD.name}({many}"
                    f"queryset={self._queryset(relation.target)})")

        return self._declare(original, updated, meta, label, declare)

    def _declare_fork_fields(self, original: cst.ClassDef, updated: cst.ClassDef,
                             meta: cst.ClassDef, label: str, bases: list[str]) -> cst.ClassDef:
        """The fork builds its default fields from the model's and finds no ``user`` where the
        model has the ``user_id`` column: each relation it lists is declared with the fork's
        own key field reading the column (as it read the related row's key). A read-only one
        leaves ``read_only_fields``, which a DRF 2 fork refuses for a declared field."""
        found = self._fork_keys.get(original.name.value)
        if found is None:
            replaced = self.boundary.replaced_on(label)
            if not any(name in replaced and not replaced[name].many
                       for name in _listed(meta, label, self.boundary)[0]):
                return updated
            self.report(original, f"{original.name.value}: derives from a ModelSerializer of "
                        "the monolith's DRF fork through a base imported from elsewhere: the "
                        "relations it lists that are id columns now are not declared (declare "
                        "them with the fork's PrimaryKeyRelatedField, source the id column)",
                        Level.WARNING)
            return updated
        key, module = found

        def declare(relation: ReplacedRelation, read_only: bool) -> str | None:
            if relation.many:  # the fork's many-to-many fields are not read from pairs
                return None
            source = f'source="{relation.field}_id"'
            if module:
                AddImportsVisitor.add_needed_import(self.context, module, key)
            if read_only:
                return f"{key}({source}, read_only=True)"
            self.import_runtime(FORK_ID_COLUMN_KEY)
            return (f"{FORK_ID_COLUMN_KEY.name}({key})(\n    {source}, "
                    f"queryset={self._queryset(relation.target)})")

        updated = self._declare(original, updated, meta, label, declare)
        original_meta = _meta(original)  # reports need the nodes of the input
        read_only_value = _meta_value(original_meta, "read_only_fields") if original_meta else None
        declared = {assigned_name(s) for s in updated.body.body}
        replaced = self.boundary.replaced_on(label)
        dropped = {name for name in _strings(read_only_value)
                   if name in replaced and name in declared}
        if not dropped or not isinstance(read_only_value, cst.List | cst.Tuple):
            return updated
        kept = rewrite_entries(read_only_value, lambda name, _: Decision(
            None, Level.INFO, f"read_only_fields: {name} is declared read-only (the fork "
            "refuses a declared field among them)") if name in dropped else None,
                               lambda node, decision: self.report(node, decision.message))
        meta = meta.with_changes(body=meta.body.with_changes(body=[
            _with_value(s, kept) if assigned_name(s) == "read_only_fields" else s
            for s in meta.body.body]))
        return updated.with_changes(body=updated.body.with_changes(body=[
            meta if isinstance(s, cst.ClassDef) and s.name.value == "Meta" else s
            for s in updated.body.body]))

    def _fork_key_field(self, bases: list[str]) -> tuple[str, str] | None:
        """The fork's ``PrimaryKeyRelatedField`` beside the ModelSerializer a base names, and
        the module to import it from (""): ``serializers.PrimaryKeyRelatedField`` for
        ``serializers.ModelSerializer``, imported from its module for an imported
        ``ModelSerializer``; a class of the file deriving from one has its base's."""
        for base in bases:
            if base in self._fork_keys:
                return self._fork_keys[base]
            head, _, rest = base.rpartition(".")
            if rest != "ModelSerializer":
                continue
            if head and self._bound.get(head.partition(".")[0]):
                return f"{head}.PrimaryKeyRelatedField", ""
            module = (self._bound.get(base) or "").rpartition(".")[0]
            if not head and module and not module.startswith("."):
                return "PrimaryKeyRelatedField", module
        return None

    def _declare(self, original: cst.ClassDef, updated: cst.ClassDef, meta: cst.ClassDef,
                 label: str, declare: Callable[[ReplacedRelation, bool], str | None]
                 ) -> cst.ClassDef:
        """Each replaced relation of ``label`` that ``Meta.fields`` lists and the class does
        not declare, declared as ``declare`` writes it (None: left as it is)."""
        declared = {assigned_name(s) for s in updated.body.body}
        fields, read_only = _listed(meta, label, self.boundary)
        added = []
        for name in fields:
            relation = self.boundary.replaced_on(label).get(name)
            if relation is None or name in declared:
                continue
            source = declare(relation, name in read_only)
            if source is None:
                continue
            added.append(cst.parse_statement(f"{name} = {source}\n"))
            self.report(original, f"{original.name.value}.{name}: declared as a primary key "
                        f"field (the {relation.target} relation is an id column now)")
        if not added:
            return updated
        return updated.with_changes(body=updated.body.with_changes(
            body=[*added, *updated.body.body]))

    def _queryset(self, label: str) -> str:
        """``Product.objects.all()`` of the mirror's remote model ``label``, imported (under
        an alias where the file binds its name to something else) unless it is already."""
        module, _, cls = self._model_module(label)
        imported = next((local for local, (name, _) in self._remote.items()
                         if name == f"{module}.{cls}"), None)  # imported already
        mirror = f"{MIRROR_PACKAGE}.{module}"
        # the file's own ``User`` (the real auth.User of an installed app) stays its own
        wanted = f"{mirror}.{cls}"
        local = imported or (cls if self._bound.get(cls, wanted) == wanted else f"Monolith{cls}")
        if imported is None:
            AddImportsVisitor.add_needed_import(self.context, mirror, cls,
                                                None if local == cls else local)
        return f"{local}.objects.all()"

    def _model_module(self, label: str) -> tuple[str, str, str]:
        """``catalog.Product`` -> ("catalog.models", ".", "Product") from the mirrors."""
        for mirror in self.boundary.mirrors:
            for name in mirror.names:
                if name.handling == Handling.REMOTE_MODEL and name.target == label:
                    return mirror.module, ".", name.name
        app, _, cls = label.partition(".")
        return f"{app}.models", ".", cls


def _model_serializer(name: str) -> bool:
    """A ModelSerializer subclass by its name (drf-writable-nested's
    ``WritableNestedModelSerializer``), whose fields DRF builds from the model: not a
    hyperlinked one (its relations are URLs)."""
    name = name.rpartition(".")[2]
    return name.endswith("ModelSerializer") and not name.endswith("HyperlinkedModelSerializer")


def _bound_names(module: cst.Module) -> dict[str, str]:
    """Names the module binds at its top level -> the dotted name they import
    (``drf_writable_nested.WritableNestedModelSerializer`` for ``WNMS``), "" for what it
    defines itself."""
    bound: dict[str, str] = {}
    for statement in module.body:
        if isinstance(statement, cst.ClassDef | cst.FunctionDef):
            bound[statement.name.value] = ""
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.ImportFrom) and not isinstance(small.names,
                                                                         cst.ImportStar):
                    source = "." * len(small.relative) + (dotted(small.module)
                                                          if small.module else "")
                    for alias in small.names:
                        bound[dotted(alias.asname.name) if alias.asname
                              else dotted(alias.name)] = f"{source}.{dotted(alias.name)}"
            if (name := assigned_name(statement)) is not None:
                bound[name] = ""
    return bound


def _listed(meta: cst.ClassDef, label: str, boundary: Boundary) -> tuple[list[str], set[str]]:
    """The names ``Meta.fields`` lists for the moved model ``label``, and the read-only ones."""
    fields_value = _meta_value(meta, "fields")
    fields = _strings(fields_value)
    if fields_value is not None and string_value(fields_value) == "__all__":
        # a many-to-many kept as pairs is no model field: "__all__" shows it if declared
        fields = [r.field for r in boundary.replaced_on(label).values() if r.many]
    read_only_value = _meta_value(meta, "read_only_fields")
    read_only = (set(fields) if isinstance(read_only_value, cst.Name)
                 and read_only_value.value == "fields" else set(_strings(read_only_value)))
    return fields, read_only


def _meta(node: cst.ClassDef) -> cst.ClassDef | None:
    return next((s for s in node.body.body
                 if isinstance(s, cst.ClassDef) and s.name.value == "Meta"), None)


def _meta_value(meta: cst.ClassDef, name: str) -> cst.BaseExpression | None:
    for statement in meta.body.body:
        if assigned_name(statement) == name and isinstance(statement, cst.SimpleStatementLine):
            assign = statement.body[0]
            if isinstance(assign, cst.Assign | cst.AnnAssign):
                return assign.value
    return None


def _with_value(statement: cst.BaseStatement | cst.BaseSmallStatement,
                value: cst.BaseExpression) -> cst.BaseStatement | cst.BaseSmallStatement:
    """``name = value`` for the one-assignment line ``statement``."""
    assert isinstance(statement, cst.SimpleStatementLine)
    return statement.with_changes(body=[statement.body[0].with_changes(value=value)])


def _strings(node: cst.BaseExpression | None) -> list[str]:
    if isinstance(node, cst.List | cst.Tuple):
        return [v for v in (string_value(e.value) for e in node.elements) if v is not None]
    return []
