"""The monolith's dependency declarations, edited so the bridge's imports install with it.

Whichever the monolith uses: a pip requirements file (``requirements.txt``, else the base file
of a ``requirements/`` folder), ``[project] dependencies`` in pyproject.toml, a Pipfile's
``[packages]``. Each gets the lines it lacks, by distribution name; nothing else changes. A lock
file beside an edited declaration is not rewritten (resolving needs the runtime on an index):
it is named as stale, with the command that renews it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from pathlib import Path

from decompose.errors import DecomposeError

# Checked in order: the first pip requirements file found is the one the monolith installs.
PIP_FILES = ("requirements.txt", "requirements/base.txt", "requirements/common.txt",
             "requirements/main.txt", "requirements/production.txt", "requirements/prod.txt")
PYPROJECT = "pyproject.toml"
PIPFILE = "Pipfile"
# (lock file, the declaration it locks, the command that renews it)
LOCKS = (("uv.lock", PYPROJECT, "uv lock"), ("poetry.lock", PYPROJECT, "poetry lock"),
         ("Pipfile.lock", PIPFILE, "pipenv lock"))
LOCK_FILES = tuple(lock for lock, _, _ in LOCKS)
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_SPEC = re.compile(r"^([A-Za-z0-9._-]+)(\[[^\]]*\])?(.*)$")


def is_declaration(path: str) -> bool:
    """Whether ``path`` (monolith-relative) is one of the files this module edits."""
    return path.removeprefix("../") in (*PIP_FILES, PYPROJECT, PIPFILE)


def declarations_folder(root: Path) -> str:
    """Where the monolith declares its dependencies, relative to its root: "" when the root
    holds a declaration file, "../" when only its parent does (``manage.py`` in a ``src/``
    folder, the repository's root declaring the project: pretalx)."""
    for prefix in ("", "../"):
        if any((root / prefix / name).is_file()
               for name in (*PIP_FILES, PYPROJECT, PIPFILE, *LOCK_FILES)):
            return prefix
    return ""


def distribution(requirement: str) -> str:
    """``PyJWT[crypto]>=2.9`` -> "pyjwt" (PEP 503 normalised), "" for a comment or option."""
    found = _NAME.match(requirement)
    return re.sub(r"[-_.]+", "-", found.group(1)).lower() if found else ""


def edited_files(root: Path, wanted: Iterable[str],
                 replaced: str = "") -> list[tuple[str, str, str]]:
    """(path, before, after) of each declaration file of the monolith that lacks one of
    ``wanted``; a line for the distribution ``replaced`` (an older runtime range) is
    replaced. Files the monolith does not have are not created."""
    wanted = tuple(wanted)
    found = []
    folder = declarations_folder(root)
    pip = next((name for name in PIP_FILES if (root / folder / name).is_file()), None)
    for name, edit in ((pip, _pip), (PYPROJECT, _pyproject), (PIPFILE, _pipfile)):
        path = root / folder / name if name else None
        if path is None or not path.is_file():
            continue
        before = path.read_text(encoding="utf-8")
        after = edit(before, wanted, replaced, folder + (name or ""))
        if after != before:
            found.append((folder + (name or ""), before, after))
    return found


def stale_locks(root: Path, edited: Iterable[str]) -> list[tuple[str, str]]:
    """(path, command) of each lock file of the monolith locking a declaration in ``edited``
    (monolith-relative paths): ``uv sync --locked`` and its likes refuse it until renewed."""
    folder, edited = declarations_folder(root), set(edited)
    return [(folder + lock, command) for lock, declaration, command in LOCKS
            if folder + declaration in edited and (root / folder / lock).is_file()]


def _missing(present: Iterable[str], wanted: tuple[str, ...], replaced: str) -> list[str]:
    names = {distribution(p) for p in present} - {replaced}
    return [w for w in wanted if distribution(w) not in names]


def _pip(text: str, wanted: tuple[str, ...], replaced: str, _: str) -> str:
    lines = [line for line in text.splitlines()
             if not replaced or distribution(line) != replaced]
    missing = _missing(lines, wanted, replaced)
    if not missing and len(lines) == len(text.splitlines()):
        return text
    return "\n".join([*lines, *missing]) + "\n"


def _pyproject(text: str, wanted: tuple[str, ...], replaced: str, name: str) -> str:
    try:
        current = tomllib.loads(text).get("project", {}).get("dependencies")
    except tomllib.TOMLDecodeError as error:
        raise DecomposeError(f"cannot read: {error}", path=name) from None
    if not isinstance(current, list):
        return text  # not a [project] dependencies user (poetry, a tool-only file)
    kept = [c for c in current if distribution(c) != replaced]
    missing = _missing(kept, wanted, replaced)
    if not missing and kept == current:
        return text
    lines = text.splitlines(keepends=True)
    start = _section_line(lines, "[project]")
    opening = next((i for i in range(start, len(lines))
                    if re.match(r"\s*dependencies\s*=\s*\[", lines[i])), len(lines))
    one_line = opening < len(lines) and lines[opening].split("#")[0].rstrip().endswith("]")
    closing = opening if one_line else next((  # extras' brackets ("bs4[lxml]") are inside
        i for i in range(opening + 1, len(lines)) if lines[i].lstrip().startswith("]")),
        len(lines))
    indent = next((line[:len(line) - len(line.lstrip())] for line in lines[opening + 1:closing]
                   if line.strip()), "    ")  # the file's own (pretalx's is two spaces)
    entries = [f'{indent}"{entry}",\n' for entry in missing]
    if opening == closing:  # dependencies = ["django>=5.2"]: one line, rewritten
        body = ", ".join(f'"{entry}"' for entry in [*kept, *missing])
        lines[opening:closing + 1] = [f"dependencies = [{body}]\n"]
    else:
        inner = [line for line in lines[opening + 1:closing]
                 if distribution(line.strip().strip('",')) != replaced or not replaced]
        lines[opening + 1:closing] = [*inner, *entries]
    after = "".join(lines)
    try:
        edited = tomllib.loads(after)["project"]["dependencies"]
    except (tomllib.TOMLDecodeError, KeyError):
        edited = None
    if edited != [*kept, *missing]:
        raise DecomposeError("[project] dependencies is not a list this patch can edit; add "
                             + ", ".join(missing) + " by hand", path=name, line=opening + 1)
    return after


def _pipfile(text: str, wanted: tuple[str, ...], replaced: str, name: str) -> str:
    try:
        packages = tomllib.loads(text).get("packages", {})
    except tomllib.TOMLDecodeError as error:
        raise DecomposeError(f"cannot read: {error}", path=name) from None
    lines = [line for line in text.splitlines()
             if not replaced or distribution(line) != replaced]
    missing = _missing(packages, wanted, replaced)
    if not missing and len(lines) == len(text.splitlines()):
        return text
    start = _section_line(lines, "[packages]")
    if start == len(lines):
        lines += ["", "[packages]"]
        start = len(lines) - 1
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("[")),
               len(lines))
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return "\n".join([*lines[:end], *map(_pipfile_entry, missing), *lines[end:]]) + "\n"


def _pipfile_entry(requirement: str) -> str:
    """``PyJWT[crypto]>=2.9,<3`` -> ``pyjwt = {version = ">=2.9,<3", extras = ["crypto"]}``."""
    name, extras, version = _SPEC.match(requirement).groups()  # type: ignore[union-attr]
    if not extras:
        return f'{distribution(name)} = "{version or "*"}"'
    listed = ", ".join(f'"{e.strip()}"' for e in extras[1:-1].split(","))
    return f'{distribution(name)} = {{version = "{version or "*"}", extras = [{listed}]}}'


def _section_line(lines: list[str], header: str) -> int:
    return next((i for i, line in enumerate(lines) if line.strip() == header), len(lines))
