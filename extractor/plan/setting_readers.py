"""The django-environ reader the service reads a computed setting of the monolith with.

The monolith computes some settings when it starts (a config file, the environment, another
setting); the service reads each from an environment variable, and the reader decides the type
it gets back: ``env`` a str, ``env.int``, ``env.bool``, ``env.float``, ``env.list`` a list of
str, ``env.json`` anything JSON holds. The type is read from the expression's shape, the
conversion or parser method it ends in (pretalx's ``int(config.get(...)) * 1024``,
``config.getboolean(...)``), the settings it names (``VITE_DEV_MODE = DEBUG``) and what the
settings module's own helpers return (tandoor's ``extract_comma_list(...)``), so the service's
setting has the monolith's type: a str where the monolith had an int breaks comparisons and
arithmetic in the moved code.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping

# django-environ's reader for a value of each JSON type.
READERS = {bool: "env.bool", int: "env.int", float: "env.float", list: "env.list",
           tuple: "env.list", dict: "env.json", str: "env"}
_DISPLAYS = {ast.List: "env.list", ast.ListComp: "env.list", ast.Tuple: "env.list",
             ast.Set: "env.list", ast.SetComp: "env.list", ast.GeneratorExp: "env.list",
             ast.Dict: "env.json", ast.DictComp: "env.json", ast.JoinedStr: "env",
             ast.Compare: "env.bool"}
# Conversions and parser methods (configparser's, and the helpers that mimic them).
_CALLS = {"int": "env.int", "float": "env.float", "bool": "env.bool", "str": "env",
          "list": "env.list", "tuple": "env.list", "sorted": "env.list", "set": "env.list",
          "dict": "env.json", "getint": "env.int", "getfloat": "env.float",
          "getboolean": "env.bool", "getbool": "env.bool"}
_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)


def expression_reader(expression: str, setting_reader: Callable[[str], str],
                      functions: Mapping[str, str] | None = None) -> str:
    """The reader for a setting computed by ``expression``; ``setting_reader`` gives the
    reader of another setting it names, ``functions`` that of what a function of the settings
    module returns (``function_readers``). "" when nothing says."""
    try:
        node = ast.parse(expression, mode="eval").body
    except SyntaxError:
        return ""
    return _reader(node, setting_reader, functions or {})


def function_readers(tree: ast.Module) -> dict[str, str]:
    """The reader of what each function the module defines returns, where every ``return`` in
    it agrees (tandoor's ``extract_comma_list`` returns a list each way)."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            readers = {_reader(n.value, lambda name: "", {}) if n.value else ""
                       for n in ast.walk(node) if isinstance(n, ast.Return)}
            if len(readers) == 1 and "" not in readers:
                found[node.name] = readers.pop()
    return found


def _reader(node: ast.expr, setting_reader: Callable[[str], str],
            functions: Mapping[str, str]) -> str:
    """The reader of ``node``'s value, or "" when its type is not known statically."""
    if isinstance(node, ast.List | ast.Tuple | ast.Set) and any(
            isinstance(item, ast.List | ast.Tuple | ast.Set | ast.Dict) for item in node.elts):
        return "env.json"  # kiwi's MENU_ITEMS, pairs: env.list gives text split on commas
    if type(node) in _DISPLAYS:
        return _DISPLAYS[type(node)]
    if isinstance(node, ast.Constant):
        return READERS.get(type(node.value), "")
    if isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else (
            func.attr if isinstance(func, ast.Attribute) else "")
        own = functions.get(func.id, "") if isinstance(func, ast.Name) else ""
        return _CALLS.get(name, own)
    if isinstance(node, ast.UnaryOp):
        return "env.bool" if isinstance(node.op, ast.Not) else _reader(node.operand,
                                                                        setting_reader,
                                                                        functions)
    if isinstance(node, ast.BinOp) and isinstance(node.op, _ARITHMETIC):
        sides = {_reader(node.left, setting_reader, functions),
                 _reader(node.right, setting_reader, functions)}
        if sides & {"env.list", "env"}:  # LOCAL_APPS + [...], "https://" + host, "%s" % x
            return "env.list" if "env.list" in sides else "env"
        if not sides <= {"env.int", "env.float"}:
            return ""
        return "env.float" if "env.float" in sides or isinstance(node.op, ast.Div) else (
            "env.int")
    if isinstance(node, ast.BoolOp):  # one of its operands: kiwi's "x" not in argv and ...
        readers = {_reader(value, setting_reader, functions) for value in node.values}
        return readers.pop() if len(readers) == 1 else ""
    if isinstance(node, ast.IfExp):
        body = _reader(node.body, setting_reader, functions)
        orelse = _reader(node.orelse, setting_reader, functions)
        return body if body == orelse else ""
    if isinstance(node, ast.Name) and node.id.isupper():
        return setting_reader(node.id)
    return ""
