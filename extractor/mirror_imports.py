"""The import block of a generated mirror module, laid out as the service's ruff (isort rules,
line length 100) wants it, so the generated code passes ``ruff check`` as written.

Sections in isort's order (standard library, third party, the project's first party: the
modules the service copies), ``import x`` before ``from x import``, modules compared
case-insensitively, names of one module combined and ordered constants, classes, then the
rest; an aliased name on a statement of its own, as isort keeps them by default.
"""

from __future__ import annotations

import sys

from decompose.model import CopiedImport

LINE_LENGTH = 100  # the generated service's [tool.ruff] line-length
THIRD_PARTY = ("decompose_remote", "decompose_runtime", "django")


def import_block(imports: set[CopiedImport]) -> str:
    """The statements of ``imports``, sections apart by one blank line ("" for none)."""
    sections: dict[int, set[CopiedImport]] = {}
    for item in imports:
        sections.setdefault(_section(item.module), set()).add(item)
    return "\n\n".join("\n".join(_statements(sections[s])) for s in sorted(sections))


def _section(module: str) -> int:
    top = module.partition(".")[0]
    if top in sys.stdlib_module_names:
        return 0
    return 1 if top in THIRD_PARTY else 2


def _statements(imports: set[CopiedImport]) -> list[str]:
    plain = sorted({i for i in imports if not i.name}, key=lambda i: (i.module.lower(), i.alias))
    lines = [f"import {i.module}" + (f" as {i.alias}" if i.alias else "") for i in plain]
    modules = sorted({i.module for i in imports if i.name}, key=str.lower)
    for module in modules:
        names = [i for i in imports if i.module == module and i.name]
        members = sorted(names, key=lambda i: (_member_order(i.name), i.name, i.alias))
        combined = [i.name for i in members if not i.alias]
        statements = [(_member_order(combined[0]), combined[0], "",
                       _from(module, ", ".join(combined), combined))] if combined else []
        statements += [(_member_order(i.name), i.name, i.alias,
                        _from(module, f"{i.name} as {i.alias}", [f"{i.name} as {i.alias}"]))
                       for i in members if i.alias]
        lines += [text for *_, text in sorted(statements)]
    return lines


def _member_order(name: str) -> int:
    """isort's order-by-type: CONSTANTS, then Classes, then the rest."""
    if name.isupper() and len(name) > 1:
        return 0
    return 1 if name[:1].isupper() else 2


def _from(module: str, names: str, parts: list[str]) -> str:
    line = f"from {module} import {names}"
    if len(line) <= LINE_LENGTH:
        return line
    inner = "".join(f"    {part},\n" for part in parts)
    return f"from {module} import (\n{inner})"
