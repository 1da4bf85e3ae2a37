"""The project's own environment: packages read from it (``--python``, ``.venv``), the cache
keyed on its installed distributions, and what a missing package costs, said per class."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analyzer import snapshot
from analyzer.discovery import discover
from analyzer.distributions import DjangoFree
from analyzer.environment import OWN, find_environment
from analyzer.pipeline import build_graph, snapshot_file
from decompose.errors import ProjectNotFound
from decompose.modules import default_site_paths
from tests.support.wheels import pip_install, wheel_of

from .conftest import FIXTURES, relations

PROJECT = FIXTURES / "env_project"
TAGKIT = FIXTURES / "env_tagkit"
OWNED = ("notes.Note", "owner", "auth.User")


def test_installing_a_package_between_two_runs_changes_the_graph(tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    site.mkdir()
    paths = (site, *default_site_paths())
    before = build_graph(PROJECT, site_paths=paths, cache_dir=tmp_path / "cache")
    assert OWNED not in relations(before)
    missing = sorted((str(w.location), w.message) for w in before.warnings
                     if w.code == "package-not-installed")
    assert missing == [
        ("notes/models.py:12", "notes.Label.color (field tagkit.fields.ColorField): package "
         "'tagkit' is not installed in the environment read; its kind is guessed from its "
         "name "
         "(pass --python)"),
        ("notes/models.py:6", "Note (base tagkit.models.OwnedBase): package 'tagkit' is not "
         "installed in the environment read; the class is left out (pass --python)")]
    pip_install(wheel_of(TAGKIT / "tagkit", tmp_path), site)
    after = build_graph(PROJECT, site_paths=paths, cache_dir=tmp_path / "cache")
    assert OWNED in relations(after)
    label = after.model("notes.Label")
    assert label is not None and [f.name for f in label.fields] == ["id", "name", "color"]
    assert not [w for w in after.warnings if w.code == "package-not-installed"]


def venv_with_tagkit(where: Path, tmp_path: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages",
                    str(where)], check=True)
    python = where / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                           "['purelib'])"], capture_output=True, text=True, check=True)
    pip_install(wheel_of(TAGKIT / "tagkit", tmp_path), Path(site.stdout.strip()))
    return python


def test_python_option_and_project_venv_are_the_environment_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    root = shutil.copytree(PROJECT, tmp_path / "project")
    assert find_environment(root).origin == OWN
    python = venv_with_tagkit(root / ".venv", tmp_path)
    found = find_environment(root)
    assert found.origin == ".venv"
    graph = build_graph(root, site_paths=found.site_paths, use_cache=False)
    assert OWNED in relations(graph)
    named = find_environment(tmp_path, python)
    assert named.origin == f"--python {python}" and named.site_paths == found.site_paths
    with pytest.raises(ProjectNotFound, match="cannot run the interpreter"):
        find_environment(root, tmp_path / "no-python")
    cache = tmp_path / "cache"
    assert find_environment(root, cache=cache).site_paths == found.site_paths
    [memo] = cache.iterdir()
    remembered = memo.read_text()
    assert find_environment(root, cache=cache).site_paths == found.site_paths
    assert memo.read_text() == remembered  # answered from the cache
    site = next(p for p in found.site_paths if p.is_relative_to(root / ".venv"))
    (site / "new.pth").write_text("")  # an install changes the folder: asked again
    assert find_environment(root, cache=cache).site_paths == found.site_paths
    assert memo.read_text() != remembered


def test_names_that_cycle_end_in_a_warning_not_a_recursion_error() -> None:
    graph = build_graph(FIXTURES / "name_cycle", use_cache=False)
    assert [m.label for m in graph.models] == ["shapes.Square"]
    assert [(w.code, str(w.location)) for w in graph.warnings] == [
        ("name-resolution-cycle", "shapes/base.py:1")]


PLAIN = FIXTURES / "env_plain"


def test_packages_of_no_django_code_are_never_parsed_and_define_no_field(tmp_path: Path) -> None:
    """plainlib's metadata requires nothing (its description names Django, its comments do
    too); djlib leaves Django out of its requirements but imports it; reqlib offers Django as
    an extra. Only plainlib is skipped, and the graph is what reading it gives."""
    site = PLAIN / "site-packages"
    paths = (site, *default_site_paths())
    project = discover(PLAIN, site_paths=paths)
    free = DjangoFree(project.index, paths, [a.name for a in project.apps])
    assert [name for name in ("plainlib", "djlib", "reqlib", "shelf", "django", "absent")
            if name in free] == ["plainlib"]
    graph = build_graph(PLAIN, site_paths=paths, cache_dir=tmp_path)
    shelf = graph.model("shelf.Shelf")
    assert shelf is not None and [f.name for f in shelf.fields] == ["id", "name", "size"]
    assert not graph.warnings
    stored = snapshot.load(snapshot_file(PLAIN, None, paths, None, tmp_path)[1])
    assert stored is not None
    read = {Path(path).relative_to(site).parts[0] for path, _, _ in stored.signature
            if Path(path).is_relative_to(site)}
    assert read == {"djlib", "reqlib"}
