"""Render a jinja2 template tree into a folder, byte for byte the same on every run.

Every ``*.j2`` file under the template root becomes one output file (the suffix dropped); path
segments may hold ``{{ ... }}`` too; a template whose every line is conditional and renders to
nothing but whitespace writes no file (manifests only some services have), while an empty
template still writes its empty file (``__init__.py``). Files are visited in sorted order and
written with fixed modes (0755 when the output starts with a shebang, 0644 otherwise) and no
timestamps inside, so two renders of the same spec are identical and golden files stay
meaningful.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2

from decompose.errors import DecomposeError
from decompose.templating import strict_environment
from extractor.spec import ServiceSpec

SERVICE_TEMPLATES = Path(__file__).parent / "templates" / "service"
TEMPLATE_SUFFIX = ".j2"
FILE_MODE = 0o644
SCRIPT_MODE = 0o755
DIR_MODE = 0o755


class RenderError(DecomposeError):
    """A template could not be rendered (undefined variable, syntax error, bad file name)."""


def make_environment(root: Path) -> jinja2.Environment:
    """Strict jinja2: an undefined name is an error, never an empty string in generated code."""
    return strict_environment(jinja2.FileSystemLoader(str(root)))


def template_names(root: Path) -> list[str]:
    """Template paths relative to ``root`` (POSIX style), sorted for a deterministic walk."""
    return sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob(f"*{TEMPLATE_SUFFIX}")
        if path.is_file()
    )


def render_tree(root: Path, target: Path, context: Mapping[str, Any]) -> list[str]:
    """Render every template under ``root`` into ``target``; return the written relative paths."""
    env = make_environment(root)
    rendered: dict[str, str] = {}
    for name in template_names(root):
        output = _output_path(env, name, context)
        if output in rendered:
            raise RenderError(f"two templates render to {output!r}", path=root / name)
        text = _render(env, name, context, root)
        if text.strip() or not (root / name).read_text(encoding="utf-8").strip():
            rendered[output] = text
    for output, text in sorted(rendered.items()):
        write_file(target / output, text)
    return sorted(rendered)


def render_service(spec: ServiceSpec, target: Path) -> list[str]:
    """Render the standalone service skeleton for ``spec`` into ``target``."""
    return render_tree(SERVICE_TEMPLATES, target, {"spec": spec})


def _output_path(env: jinja2.Environment, name: str, context: Mapping[str, Any]) -> str:
    try:
        output = env.from_string(name[: -len(TEMPLATE_SUFFIX)]).render(context)
    except jinja2.TemplateError as exc:
        raise RenderError(f"file name template failed: {exc}", path=name) from None
    parts = PurePosixPath(output).parts
    if not parts or output.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise RenderError(f"file name renders to unsafe path {output!r}", path=name)
    return output


def _render(env: jinja2.Environment, name: str, context: Mapping[str, Any], root: Path) -> str:
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(exc.message or "syntax error", path=root / name,
                          line=exc.lineno) from None
    except jinja2.TemplateError as exc:
        raise RenderError(str(exc), path=root / name) from None


def write_file(path: Path, text: str) -> None:
    """Write generated text with fixed modes (0755 folders; 0755 scripts, else 0644), so two
    renders are byte- and mode-identical whatever the umask."""
    for parent in reversed(path.parents):
        if not parent.exists():
            parent.mkdir()
            parent.chmod(DIR_MODE)
    path.write_bytes(text.encode("utf-8"))
    path.chmod(SCRIPT_MODE if text.startswith("#!") else FILE_MODE)
