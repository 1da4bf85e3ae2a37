"""render_tree: a template folder in, the same bytes out on every run, or a clear error."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from extractor.render import RenderError, render_tree


def write_templates(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_empty_template_tree_writes_nothing(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    assert render_tree(templates, tmp_path / "out", {}) == []
    assert not (tmp_path / "out").exists()


def test_non_template_files_are_ignored(tmp_path):
    templates = write_templates(tmp_path / "t", {"notes.txt": "x", "a.txt.j2": "a\n"})
    assert render_tree(templates, tmp_path / "out", {}) == ["a.txt"]


def test_contents_and_file_names_are_rendered(tmp_path):
    templates = write_templates(tmp_path / "t", {
        "{{ name }}/settings.py.j2": "NAME = {{ name | tojson }}\n",
        "README.md.j2": "# {{ name }}\n",
    })
    written = render_tree(templates, tmp_path / "out", {"name": "orders"})
    assert written == ["README.md", "orders/settings.py"]
    assert (tmp_path / "out/orders/settings.py").read_text() == 'NAME = "orders"\n'


def test_modes_are_fixed_and_shebang_files_are_executable(tmp_path):
    templates = write_templates(tmp_path / "t", {
        "bin/run.py.j2": "#!/usr/bin/env python\nprint()\n",
        "lib.py.j2": "x = 1\n",
    })
    out = tmp_path / "out"
    render_tree(templates, out, {})
    assert mode(out / "bin/run.py") == 0o755
    assert mode(out / "lib.py") == 0o644
    assert mode(out / "bin") == 0o755


def test_trailing_newline_is_kept(tmp_path):
    templates = write_templates(tmp_path / "t", {"a.j2": "line\n\n"})
    render_tree(templates, tmp_path / "out", {})
    assert (tmp_path / "out/a").read_bytes() == b"line\n\n"


def test_undefined_variable_is_an_error_naming_the_template(tmp_path):
    templates = write_templates(tmp_path / "t", {"a.py.j2": "x = {{ missing }}\n"})
    with pytest.raises(RenderError, match=r"a\.py\.j2: 'missing' is undefined"):
        render_tree(templates, tmp_path / "out", {})
    assert not (tmp_path / "out").exists()


def test_syntax_error_names_file_and_line(tmp_path):
    templates = write_templates(tmp_path / "t", {"a.py.j2": "ok\n{% if %}\n"})
    with pytest.raises(RenderError, match=r"a\.py\.j2:2: "):
        render_tree(templates, tmp_path / "out", {})


@pytest.mark.parametrize("name", ["../escape", "/abs", ""])
def test_file_name_rendering_outside_the_target_is_refused(tmp_path, name):
    templates = write_templates(tmp_path / "t", {"{{ name }}.j2": "x"})
    with pytest.raises(RenderError, match="unsafe path"):
        render_tree(templates, tmp_path / "out", {"name": name})


def test_two_templates_rendering_to_one_file_are_refused(tmp_path):
    templates = write_templates(tmp_path / "t", {"{{ a }}.j2": "1", "{{ b }}.j2": "2"})
    with pytest.raises(RenderError, match="two templates render to 'same'"):
        render_tree(templates, tmp_path / "out", {"a": "same", "b": "same"})
