"""Whether the moved code signs with Django's SECRET_KEY, so the service needs the monolith's.

Values signed on one side are verified on the other: pretalx's pages render ``/redirect/``
links signed with ``signing.Signer(salt="safe-redirect")``, and its redirect view (moved)
verifies links the monolith's pages signed. With a key of its own the service would sign
links the monolith refuses, and refuse the monolith's.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from decompose.model import EnvironmentSetting, Location, SettingsFacts
from extractor.plan.source import Source

# Modules whose use signs with SECRET_KEY (Django's signing and salted HMACs, the password
# reset tokens), and names of a module that do.
SIGNING_MODULES = frozenset({"django.core.signing", "django.contrib.auth.tokens"})
SIGNING_NAMES = frozenset({("django.utils.crypto", "salted_hmac")})
# The variable the service's production settings read its SECRET_KEY from.
SECRET_KEY_VARIABLE = "DJANGO_SECRET_KEY"


def signing_use(source: Source, paths: Iterable[str]) -> Location | None:
    """The first place in the files at ``paths`` that signs with SECRET_KEY: an import of a
    signing module or name, or a read of ``settings.SECRET_KEY``."""
    for path in sorted(paths):
        tree = source.tree(path)
        line = _signing_line(tree) if tree else None
        if line is not None:
            return Location(path, line)
    return None


def _signing_line(tree: ast.Module) -> int | None:
    return min((node.lineno for node in ast.walk(tree)
                if isinstance(node, ast.stmt | ast.expr) and _signs(node)), default=None)


def _signs(node: ast.AST) -> bool:
    if isinstance(node, ast.Import):
        return any(alias.name in SIGNING_MODULES for alias in node.names)
    if isinstance(node, ast.ImportFrom):
        return bool(node.module) and not node.level and (node.module in SIGNING_MODULES or any(
            f"{node.module}.{alias.name}" in SIGNING_MODULES
            or (node.module, alias.name) in SIGNING_NAMES for alias in node.names))
    return (isinstance(node, ast.Attribute) and node.attr == "SECRET_KEY"
            and isinstance(node.value, ast.Name) and node.value.id == "settings")


def shared_secret_key(facts: SettingsFacts, used: Location) -> EnvironmentSetting:
    """SECRET_KEY among the settings the service must be given the monolith's value of
    (extraction.json ``environment_settings``), never copied: from where the monolith sets
    it, else from where the moved code signs."""
    found = facts.value("SECRET_KEY")
    where = found.location if found and found.location else used
    return EnvironmentSetting(SECRET_KEY_VARIABLE, "SECRET_KEY", True, "env", "", str(where))
