"""Relations pointing out of the service become plain id columns plus a ``RemoteRelation``.

``product = models.ForeignKey(Product, ...)`` becomes ``product_id = models.IntegerField(
db_column="product_id", db_index=True)`` with the column type of the target's primary key, and
``product = RemoteRelation("catalog.Product", "product_id")`` so ``line.product`` still works
(fetched from the monolith). Field names in the model's Meta follow (``"product"`` ->
``"product_id"``). A many-to-many keeps the table Django made for it: ``executions =
models.ManyToManyField(TestExecution)`` on ``Bug`` becomes ``executions = RemoteManyToMany(...)``
plus the through model ``Bug_executions`` (same table and columns, its key to the target an id
column, its key to ``Bug`` queried as ``executions_pairs``), written after the class.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from decompose_runtime.names import REMOTE_MANY_TO_MANY, REMOTE_RELATION
from extractor.codemods.base import (
    Boundary,
    ExtractionCodemod,
    ReplacedRelation,
    comment_line,
    register,
    string_value,
)


@register
class ForeignKeyToId(ExtractionCodemod):
    NAME = "fk_to_id"
    ORDER = 10
    DESCRIPTION = "Replace relations to models that stay in the monolith by id columns."

    @classmethod
    def applies(cls, source: str, module: str, boundary: Boundary) -> bool:
        return any(m.module == module for m in boundary.models) and bool(boundary.replaced)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # One entry per open class: (is a model's Meta, the replaced fields it sees).
        self._scopes: list[tuple[bool, dict[str, ReplacedRelation]]] = []

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        outer = self._scopes[-1] if self._scopes else (False, {})
        if node.name.value == "Meta" and outer[1] and not outer[0]:
            self._scopes.append((True, outer[1]))
            return
        model = self.moved_model(node.name.value)
        self._scopes.append((False, self.boundary.replaced_on(model.label) if model else {}))

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef
                       ) -> cst.ClassDef | cst.FlattenSentinel[cst.BaseStatement]:
        is_meta, replaced = self._scopes.pop()
        if is_meta or not replaced:
            return updated
        body: list[cst.CSTNode] = []
        through: list[cst.BaseStatement] = []
        for before, statement in zip(original.body.body, updated.body.body, strict=True):
            relation = replaced.get(_assigned_name(statement) or "")
            if relation is None or not isinstance(statement, cst.SimpleStatementLine):
                body.append(statement)
            elif relation.through is not None:
                body.append(self._many(before, statement, relation))
                through.append(_through_model(original.name.value, relation))
            else:
                body.extend(self._replace(before, statement, relation))
        changed = updated.with_changes(body=updated.body.with_changes(body=body))
        return cst.FlattenSentinel([changed, *through]) if through else changed

    def _replace(self, before: cst.CSTNode, statement: cst.SimpleStatementLine,
                 relation: ReplacedRelation) -> list[cst.BaseStatement]:
        call = statement.body[0].value  # type: ignore[attr-defined]
        column = relation.field + "_id"
        kwargs = {arg.keyword.value: arg for arg in call.args if arg.keyword}
        if "db_column" in kwargs:
            column = string_value(kwargs["db_column"].value) or column
        # null for the column, blank for the forms (a ModelForm's field stays optional), and a
        # key that is the row's own (Tandoor's ``user = AutoOneToOneField(User, primary_key=
        # True)``: without it Django would read an ``id`` the table has not)
        extra = {name: kwargs[name].value for name in ("null", "blank", "primary_key", "unique")
                 if name in kwargs}
        AddImportsVisitor.add_needed_import(self.context, "django.db", "models")
        RemoveImportsVisitor.remove_unused_import_by_node(self.context, before)
        self.import_runtime(REMOTE_RELATION)
        id_field = statement.with_changes(body=[cst.Assign(
            targets=[cst.AssignTarget(cst.Name(f"{relation.field}_id"))],
            value=_id_column(relation, column, extra))])
        accessor = cst.SimpleStatementLine(body=[cst.Assign(
            targets=[cst.AssignTarget(cst.Name(relation.field))],
            value=cst.parse_expression(
                f'RemoteRelation("{relation.target}", "{relation.field}_id")'))])
        self.report(before, f"{relation.model}.{relation.field}: relation to "
                    f"{relation.target} -> {relation.field}_id = models.{relation.column_type}"
                    f"(db_column={column!r}) + RemoteRelation")
        return [id_field, accessor]

    def _many(self, before: cst.CSTNode, statement: cst.SimpleStatementLine,
              relation: ReplacedRelation) -> cst.SimpleStatementLine:
        through = relation.through
        assert through is not None
        AddImportsVisitor.add_needed_import(self.context, "django.db", "models")
        RemoveImportsVisitor.remove_unused_import_by_node(self.context, before)
        self.import_runtime(REMOTE_MANY_TO_MANY)
        app = relation.model.partition(".")[0]
        call = statement.body[0].value  # type: ignore[attr-defined]
        # blank for the forms, as the key's column keeps it (a ModelForm's field stays optional)
        blank = next((f", blank={cst.Module([]).code_for_node(arg.value)}" for arg in call.args
                      if arg.keyword and arg.keyword.value == "blank"), "")
        self.report(before, f"{relation.model}.{relation.field}: many-to-many to "
                    f"{relation.target} -> RemoteManyToMany over {through.name} (the pairs "
                    f"kept in {through.db_table}, {through.column} = models."
                    f"{relation.column_type})")
        return statement.with_changes(body=[cst.Assign(
            targets=[cst.AssignTarget(cst.Name(relation.field))],
            value=cst.parse_expression(
                f'RemoteManyToMany("{relation.target}", "{app}.{through.name}", '
                f'"{through.source}", "{through.column}"{blank})'))])

    def leave_SimpleString(self, original: cst.SimpleString,
                           updated: cst.SimpleString) -> cst.SimpleString:
        # Inside a model's Meta: constraint/index/ordering field names follow the new names.
        if not self._scopes or not self._scopes[-1][0]:
            return updated
        value = string_value(original)
        if value is None:
            return updated
        sign, name = ("-", value[1:]) if value.startswith("-") else ("", value)
        if name in self._scopes[-1][1]:
            quote = original.quote
            return updated.with_changes(value=f"{original.prefix}{quote}{sign}{name}_id{quote}")
        return updated

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # strings in methods are not Meta field names


def _assigned_name(statement: cst.CSTNode) -> str | None:
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    assign = statement.body[0]
    if (isinstance(assign, cst.Assign) and len(assign.targets) == 1
            and isinstance(assign.targets[0].target, cst.Name)
            and isinstance(assign.value, cst.Call)):
        return assign.targets[0].target.value
    return None


def _id_column(relation: ReplacedRelation, column: str,
               extra: dict[str, cst.BaseExpression]) -> cst.Call:
    """``models.IntegerField(db_column="product_id", db_index=True)`` for the key's type."""
    args = [_kw("db_column", cst.SimpleString(f'"{column}"'))]
    if relation.column_args:
        name, _, value = relation.column_args.partition("=")
        args.append(_kw(name, cst.parse_expression(value)))
    args += [_kw(name, value) for name, value in extra.items()]
    if "primary_key" not in extra:  # a primary key has its index
        args.append(_kw("db_index", cst.Name("True")))
    return cst.Call(cst.parse_expression(f"models.{relation.column_type}"), args=args)


def _through_model(model: str, relation: ReplacedRelation) -> cst.BaseStatement:
    """The through model of ``relation`` on the class ``model``, as Django would create it but
    with the monolith's side as an id column; unmanaged, like every moved model's table."""
    through = relation.through
    assert through is not None
    column = cst.Module([]).code_for_node(_id_column(relation, through.column, {}))
    definition = cst.parse_statement(
        f"class {through.name}(models.Model):\n"
        f"    {through.source} = models.ForeignKey(\n"
        f'        "{model}", on_delete=models.CASCADE, related_name="+",\n'
        f'        related_query_name="{relation.pairs_query_name}",\n'
        f"    )\n"
        f"    {through.column} = {column}\n\n"
        f"    class Meta:\n"
        f'        db_table = "{through.db_table}"\n'
        f"        managed = False\n"
        f'        unique_together = [("{through.source}", "{through.column}")]\n')
    return definition.with_changes(leading_lines=[
        cst.EmptyLine(indent=False), cst.EmptyLine(indent=False),
        comment_line(f"pairs of {model}.{relation.field}; {relation.target} stays (an id "
                     "column)")])


def _kw(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(value=value, keyword=cst.Name(name),
                   equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                         whitespace_after=cst.SimpleWhitespace("")))
