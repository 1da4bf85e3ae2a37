"""The public GitHub corpus: which projects, how a checkout is exported from a ``fetch`` mirror
and how each project's own environment is built (shared by the benchmarks that use it)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VENVS = REPO / ".venv-corpora"


@dataclass(frozen=True)
class Project:
    name: str
    mirror: str  # owner+name, as the fetch tool names the folder
    root: str  # folder of manage.py inside the checkout
    settings: str
    install: tuple[str, ...]  # pip arguments; "{src}" is the checkout, "{deps}" stands for
    # the [project] dependencies of its pyproject.toml
    boot_env: tuple[tuple[str, str], ...] = ()  # "{root}" is the project root
    python: str = ""  # "3.12": the project needs that Python (found on PATH as python3.12)
    editable: bool = False  # it reads its own distribution's metadata: install the checkout


PROJECTS = (
    Project("pretalx", "pretalx+pretalx", "src", "pretalx.settings", ("{deps}",),
            python="3.12"),
    Project("kiwi", "kiwitcms+Kiwi", ".", "tcms.settings.devel",
            ("-r", "{src}/requirements/devel.txt"), python="3.12"),
    Project("taiga", "taigaio+taiga-back", ".", "settings.common",
            ("-r", "{src}/requirements.txt")),
    # python-ldap (requirements.txt) builds from source: apt's libldap2-dev and libsasl2-dev
    Project("tandoor", "TandoorRecipes+recipes", ".", "recipes.settings",
            ("-r", "{src}/requirements.txt"),
            (("SECRET_KEY", "corpus"), ("DB_ENGINE", "django.db.backends.sqlite3")),
            python="3.12"),
    Project("nautobot", "nautobot+nautobot", ".", "nautobot.core.tests.nautobot_config",
            ("{deps}",), (("NAUTOBOT_ROOT", "{root}/.nautobot"),), editable=True),
)


def export(mirror: Path, into: Path) -> Path:
    """The mirror's HEAD as plain files, like a fresh checkout. Blobs a mirror does not hold
    (its largest files: images, archives) and symlinks are left out."""
    git = ["git", "--git-dir", str(mirror)]
    listing = subprocess.run([*git, "ls-tree", "-r", "-z", "HEAD"], capture_output=True,
                             check=True).stdout
    entries = [line.split(b"\t", 1) for line in listing.split(b"\0") if line]
    blobs = [(meta.split()[2], path.decode()) for meta, path in entries
             if meta.split()[1] == b"blob" and not meta.startswith(b"120000")]
    checkout = into / "src"
    with subprocess.Popen([*git, "cat-file", "--batch"], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE) as batch:
        assert batch.stdin is not None and batch.stdout is not None
        for sha, path in blobs:
            batch.stdin.write(sha + b"\n")
            batch.stdin.flush()
            header = batch.stdout.readline().split()
            if header[1] != b"blob":
                continue  # missing from the mirror
            data = batch.stdout.read(int(header[2]) + 1)[:-1]
            target = checkout / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        batch.stdin.close()
    return checkout


def environment(project: Project, source: Path, interpreters: dict[str, str]) -> Path:
    """The project's own virtualenv with its dependencies (created once, then reused)."""
    venv = VENVS / f"gh-{project.name}"
    python = venv / "bin" / "python"
    marker = venv / ".installed"
    if not marker.exists():
        creator = (interpreters.get(project.python) or shutil.which(f"python{project.python}")
                   if project.python else None)
        subprocess.run([creator or sys.executable, "-m", "venv", str(venv)], check=True)
        args = [a.format(src=source) for a in project.install if a != "{deps}"]
        if "{deps}" in project.install:
            with (source / "pyproject.toml").open("rb") as handle:
                args += tomllib.load(handle)["project"]["dependencies"]
        pip_install(python, args)
        if project.editable:
            pip_install(python, ["--no-deps", "-e", str(source)])
        marker.write_text(" ".join(args) + "\n")
    return python


def pip_install(python: Path, args: list[str]) -> None:
    done = subprocess.run([str(python), "-m", "pip", "install", "-q", *args],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
        raise RuntimeError(f"pip install failed: {(errors or ['?'])[-1]}")
