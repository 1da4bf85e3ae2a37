"""The django-environ reader the service reads a computed setting of the monolith with.

The monolith computes some settings when it starts (a config file, the environment, another
setting); the service reads each from an environment variable, and the reader decides the type
it gets back: ``env`` a str, ``env.int``, ``env.bool``, ``env.float``, ``env.list`` a list of
str, ``env.json`` anything JSON holds. The type is read from the expression's shape, the
conversion or parser method it ends in (pretalx's ``int(config.get(...)) * 1024``,
``config.getboolean(...)``) and the settings it names (``VITE_DEV_MODE = DEBUG``), so the
service's setting has the monolith's type: a str where the monolith had an int breaks
comparisons and arithmetic in the moved code.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

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


def expression_reader(expression: str, setting_reader: Callable[[str], str]) -> str:
    """The reader for a setting computed by ``expression``; ``setting_reader`` gives the
    reader of another setting it names. "" when nothing says."""
    try:
        node = ast.parse(expression, mode="eval").body
    except SyntaxError:
        return ""
    return _reader(node, setting_reader)


def _reader(node: ast.expr, setting_reader: Callable[[str], str]) -> str:
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
        return _CALLS.get(name, "")
    if isinstance(node, ast.UnaryOp):
        return "env.bool" if isinstance(node.op, ast.Not) else _reader(node.operand,
                                                                        setting_reader)
    if isinstance(node, ast.BinOp) and isinstance(node.op, _ARITHMETIC):
        sides = {_reader(node.left, setting_reader), _reader(node.right, setting_reader)}
        if sides & {"env.list", "env"}:  # LOCAL_APPS + [...], "https://" + host, "%s" % x
            return "env.list" if "env.list" in sides else "env"
        if not sides <= {"env.int", "env.float"}:
            return ""
        return "env.float" if "env.float" in sides or isinstance(node.op, ast.Div) else (
            "env.int")
    if isinstance(node, ast.BoolOp):  # one of its operands: kiwi's "x" not in argv and ...
        readers = {_reader(value, setting_reader) for value in node.values}
        return readers.pop() if len(readers) == 1 else ""
    if isinstance(node, ast.IfExp):
        body, orelse = _reader(node.body, setting_reader), _reader(node.orelse, setting_reader)
        return body if body == orelse else ""
    if isinstance(node, ast.Name) and node.id.isupper():
        return setting_reader(node.id)
    return ""
