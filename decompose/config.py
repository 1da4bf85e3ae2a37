"""Where a monolith keeps its decompose settings: ``decompose.toml`` or ``[tool.decompose]``.

``decompose.toml`` wins when both exist, since it is the file the tool itself writes (routing
state); ``pyproject.toml``'s table is for teams that keep all tool settings in one place.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from decompose.errors import ConfigError

CONFIG_FILE = "decompose.toml"


@dataclass(frozen=True)
class ConfigSource:
    """The raw decompose table of a project and the file it came from (None: no config)."""

    path: Path | None
    table: dict[str, Any] = field(default_factory=dict)


def load_config(root: Path) -> ConfigSource:
    """Read the project's decompose table; a malformed file is a ConfigError naming it."""
    own = root / CONFIG_FILE
    if own.is_file():
        return ConfigSource(own, _read_toml(own))
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        table = _read_toml(pyproject).get("tool", {}).get("decompose")
        if table is not None:
            if not isinstance(table, dict):
                raise ConfigError("[tool.decompose] must be a table", path=pyproject)
            return ConfigSource(pyproject, table)
    return ConfigSource(None)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text ({exc.reason})", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        # Python < 3.14 only has the position inside the message: "... (at line 2, column 10)".
        found = re.search(r"\(at line (\d+), column \d+\)$", str(exc))
        message = str(exc)[: found.start()].rstrip() if found else str(exc)
        line = int(found.group(1)) if found else None
        raise ConfigError(f"invalid TOML: {message}", path=path, line=line) from None
