"""What a module-level class says: its bases, Meta options and field-like attributes.

Extraction records every module-level class as a :class:`ClassFact`: which classes are models
(and which attributes are fields) is only known once bases are resolved across modules, by
``analyzer.model_index``. Name binding reads these facts too (a class binds its name).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from analyzer.facts import dotted, literal_str, walk

_META_KEYS = ("abstract", "proxy", "app_label", "db_table", "managed")
_OPTION_KEYS = ("null", "unique", "primary_key", "db_column", "related_name", "parent_link")

# ("str", "app.Model") | ("name", "dotted.Name") | ("user", "") | ("swap", "app.Model")
# | ("abs", "package.module.Name"): a name imported inside a function
Target = tuple[str, str]


@dataclass(frozen=True)
class FieldFact:
    """``name = Callable(...)`` in a class body (or ``name = None``: removes an inherited one)."""

    name: str
    line: int
    func: str  # dotted callee as written; "" for a removal
    target: Target | None
    through: Target | None
    on_delete: str | None
    options: tuple[tuple[str, object], ...]
    keywords: tuple[tuple[str, object], ...] = ()  # every keyword; non-literal values None


@dataclass(frozen=True)
class ClassFact:
    name: str
    line: int
    bases: tuple[str, ...]  # dotted as written; "" for an expression we cannot name
    meta: tuple[tuple[str, object], ...]
    has_meta: bool
    meta_inherits: bool  # ``class Meta(Base.Meta)``
    fields: tuple[FieldFact, ...]
    attributes: tuple[str, ...] = ()  # other class attributes set to a non-empty value
    decorators: tuple[str, ...] = ()  # dotted callee of each ``@obj.method(...)``
    # a field class's own defaults: ("to" | "through", target) its __init__ sets
    init_defaults: tuple[tuple[str, Target], ...] = ()


def _target(node: ast.expr | None) -> Target | None:
    text = literal_str(node)
    if text is not None:
        return ("str", text)
    name = dotted(node)
    if name is not None:
        return ("user", "") if name.endswith("AUTH_USER_MODEL") else ("name", name)
    if isinstance(node, ast.Call):
        func = dotted(node.func) or ""
        if func.endswith("get_user_model"):
            return ("user", "")
        if func == "getattr" and len(node.args) >= 2 and (literal_str(node.args[1]) or "") \
                == "AUTH_USER_MODEL":  # getattr(settings, "AUTH_USER_MODEL", "auth.User")
            return ("user", "")
        args = [literal_str(a) for a in node.args]
        if func.endswith("get_model_name") and len(args) == 2 and all(args):
            return ("swap", f"{args[0]}.{args[1]}")  # swapper: <APP>_<MODEL>_MODEL setting
    return None


def _field(stmt: ast.stmt) -> FieldFact | None:
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        name, value = stmt.targets[0], stmt.value
    elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        name, value = stmt.target, stmt.value
    else:
        return None
    if not isinstance(name, ast.Name):
        return None
    if isinstance(value, ast.Constant) and value.value is None:
        return FieldFact(name.id, stmt.lineno, "", None, None, None, ())
    if not isinstance(value, ast.Call):
        return None
    func = dotted(value.func)
    if func is None:
        return None
    given = {k.arg: k.value for k in value.keywords}  # a repeated keyword is a SyntaxError
    options: list[tuple[str, object]] = []
    for key in _OPTION_KEYS:
        node = given.get(key)
        if isinstance(node, ast.Constant) and isinstance(node.value, bool | str):
            options.append((key, node.value))
    on_delete = dotted(given.get("on_delete"))
    if on_delete is None and len(value.args) > 1:
        on_delete = dotted(value.args[1])
    target = _target(given.get("to")) or (_target(value.args[0]) if value.args else None)
    keywords = tuple(sorted((k, _literal(v)) for k, v in given.items() if k))
    return FieldFact(name.id, stmt.lineno, func, target, _target(given.get("through")),
                     on_delete.rpartition(".")[2] if on_delete else None, tuple(options),
                     keywords)


def _literal(node: ast.expr) -> object:
    """A keyword's value when it is a plain literal (str, number, bool, list of them)."""
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(value, tuple):
        value = list(value)
    return value if isinstance(value, str | int | float | bool | list) else None


def read_class(node: ast.ClassDef) -> ClassFact:
    """The facts of one class statement."""
    meta: dict[str, object] = {}
    has_meta = meta_inherits = False
    fields: list[FieldFact] = []
    attributes: list[str] = []
    for stmt in node.body:
        if isinstance(stmt, ast.ClassDef) and stmt.name == "Meta":
            has_meta, meta_inherits = True, bool(stmt.bases)
            for item in stmt.body:
                if (isinstance(item, ast.Assign) and len(item.targets) == 1
                        and isinstance(item.targets[0], ast.Name)
                        and item.targets[0].id in _META_KEYS
                        and isinstance(item.value, ast.Constant)):
                    meta[item.targets[0].id] = item.value.value
        else:
            found = _field(stmt)
            if found is not None:
                fields.append(found)
            elif (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                  and isinstance(stmt.targets[0], ast.Name) and not (
                      isinstance(stmt.value, ast.List | ast.Tuple) and not stmt.value.elts)):
                attributes.append(stmt.targets[0].id)
    decorators = tuple(dotted(d.func if isinstance(d, ast.Call) else d) or ""
                       for d in node.decorator_list)
    return ClassFact(node.name, node.lineno, tuple(dotted(b) or "" for b in node.bases),
                     tuple(sorted(meta.items())), has_meta, meta_inherits, tuple(fields),
                     tuple(attributes), tuple(d for d in decorators if "." in d),
                     _init_defaults(node))


def _init_defaults(node: ast.ClassDef) -> tuple[tuple[str, Target], ...]:
    """``kwargs.setdefault("to", Status)`` and ``super().__init__(Placeholder, ...)`` in a
    field class's ``__init__``: the target (or through model) its fields get when none is
    written. Names imported inside ``__init__`` are kept absolute."""
    init = next((n for n in node.body if isinstance(n, ast.FunctionDef)
                 and n.name == "__init__"), None)
    if init is None:
        return ()
    nodes = walk(init)
    local = {alias.asname or alias.name: f"{n.module}.{alias.name}"
             for n in nodes if isinstance(n, ast.ImportFrom) and n.module
             and not n.level for alias in n.names}
    found: dict[str, Target] = {}
    for call in (n for n in nodes if isinstance(n, ast.Call)):
        func = call.func
        if (isinstance(func, ast.Attribute) and func.attr == "setdefault"
                and len(call.args) == 2 and literal_str(call.args[0]) in ("to", "through")):
            pairs = [(literal_str(call.args[0]) or "", call.args[1])]
        elif (isinstance(func, ast.Attribute) and func.attr == "__init__"
              and isinstance(func.value, ast.Call) and dotted(func.value.func) == "super"):
            first = [("to", call.args[0])] if call.args and not isinstance(
                call.args[0], ast.Starred) else []
            pairs = first + [(k.arg, k.value) for k in call.keywords
                             if k.arg in ("to", "through")]
        else:
            continue
        for key, value in pairs:
            target = _target(value)
            if target is not None and target[0] == "name" and \
                    target[1].partition(".")[0] in local:
                head, dot, rest = target[1].partition(".")
                target = ("abs", local[head] + dot + rest)
            if target is not None:
                found.setdefault(key, target)
    return tuple(sorted(found.items()))
