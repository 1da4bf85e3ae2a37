"""Write the human-facing artifacts of a proposal: report.html, report.md, DOT and SVG graphs.

Everything is rendered in memory first and each file is then written through a temp file and a
rename, so a failure never leaves half a report. Graphviz problems are warnings, not errors: the
DOT files and the text reports do not need it.
"""

from __future__ import annotations

from pathlib import Path

from analyzer.report import svg
from analyzer.report.appgraph import build_app_view
from analyzer.report.dot import app_graph_dot, service_graph_dot
from analyzer.report.facts import build_facts, file_slug
from analyzer.report.formats import DEFAULT_FORMATS
from analyzer.report.html import render_html
from analyzer.report.markdown import render_markdown
from analyzer.report.mermaid import app_flowchart
from analyzer.report.modelgraph import (
    PAGE_MODELS,
    ModelGraphView,
    build_model_view,
    model_pages,
)
from decompose.errors import DecomposeError
from decompose.model import Boundaries, Diagnostic, ProjectGraph
from decompose.serialize import write_text_atomic

APP_GRAPH = "apps"


def render_reports(graph: ProjectGraph, boundaries: Boundaries, out_dir: Path,
                   formats: frozenset[str] = DEFAULT_FORMATS) -> tuple[Diagnostic, ...]:
    """Write the selected report files into ``out_dir``; returns the warnings of rendering.

    ``json`` in ``formats`` is ignored here: graph.json and boundaries.json are the analyze
    command's to write.
    """
    unknown = sorted(formats - DEFAULT_FORMATS)
    if unknown:
        raise DecomposeError(f"unknown report format(s): {', '.join(unknown)}")
    app_view = build_app_view(graph, boundaries)
    stems = _service_stems(boundaries)
    pages = {s.name: tuple(build_model_view(graph, boundaries, s, page=page)
                           for page in model_pages(graph, s)) for s in boundaries.services}
    page_stems = {name: tuple(stems[name] if i == 0 else f"{stems[name]}-p{i + 1}"
                              for i in range(len(views))) for name, views in pages.items()}
    dots = {APP_GRAPH: app_graph_dot(app_view, graph_id="apps")}
    dots.update({stem: service_graph_dot(view, graph_id=stem.replace("-", "_"))
                 for name, views in pages.items()
                 for stem, view in zip(page_stems[name], views, strict=True)})

    diagnostics: list[Diagnostic] = []
    svgs: dict[str, str] = {}
    if formats & {"svg", "html"}:
        svgs, diagnostics = _lay_out(dots)

    files: dict[str, str] = {}
    if "dot" in formats:
        files.update({f"{stem}.dot": text for stem, text in dots.items()})
    if "svg" in formats:
        files.update({f"{stem}.svg": text for stem, text in svgs.items()})
    if formats & {"html", "md"}:
        facts = build_facts(
            graph, boundaries,
            graph_files={name: ", ".join(f"{stem}.svg" if "svg" in formats else f"{stem}.dot"
                                         for stem in page_stems[name]) for name in stems},
            graph_notes={name: _model_note(views) for name, views in pages.items()},
            app_graph_note=_app_note(app_view.hidden_apps, app_view.hidden_edges),
            diagnostics=tuple(diagnostics))
        if "html" in formats:
            files["report.html"] = render_html(
                facts,
                app_svg=_inline(svgs, APP_GRAPH, "App graph of the proposed services"),
                service_svgs={name: _pages_svg(svgs, name, page_stems[name])
                              for name in stems})
        if "md" in formats:
            files["report.md"] = render_markdown(facts, flowchart=app_flowchart(app_view))
    for name in sorted(files):
        write_text_atomic(out_dir / name, files[name])
    return tuple(diagnostics)


def _service_stems(boundaries: Boundaries) -> dict[str, str]:
    """service name -> file stem ``service-<slug>``, unique even if two names slug alike."""
    stems: dict[str, str] = {}
    taken: set[str] = set()
    for name in sorted(s.name for s in boundaries.services):
        base = stem = f"service-{file_slug(name)}"
        counter = 2
        while stem in taken:
            stem, counter = f"{base}-{counter}", counter + 1
        taken.add(stem)
        stems[name] = stem
    return stems


def _lay_out(dots: dict[str, str]) -> tuple[dict[str, str], list[Diagnostic]]:
    missing = svg.graphviz_missing()
    if missing is not None:
        return {}, [missing]
    svgs, diagnostics = {}, []
    for stem, text in dots.items():
        rendered, problem = svg.render_svg(text, f"{stem}.dot")
        if rendered is not None:
            svgs[stem] = rendered
        if problem is not None:
            diagnostics.append(problem)
    return svgs, diagnostics


def _inline(svgs: dict[str, str], stem: str, label: str) -> str | None:
    return svg.inline_svg(svgs[stem], label) if stem in svgs else None


def _pages_svg(svgs: dict[str, str], name: str, stems: tuple[str, ...]) -> str | None:
    """The service's model graph pages, inlined one after the other."""
    drawn = [_inline(svgs, stem, f"Model graph of service {name}" + (
        f", page {i} of {len(stems)}" if len(stems) > 1 else ""))
        for i, stem in enumerate(stems, start=1)]
    return "".join(d for d in drawn if d) or None


def _app_note(hidden_apps: int, hidden_edges: int) -> str:
    parts = []
    if hidden_apps:
        parts.append(f"{hidden_apps} lighter apps are folded into “+K more” nodes")
    if hidden_edges:
        parts.append(f"the {hidden_edges} lightest edges are left out")
    return ("To stay readable, " + " and ".join(parts) + "; the cut lists below are complete."
            if parts else "")


def _model_note(views: tuple[ModelGraphView, ...]) -> str:
    parts = []
    if len(views) > 1:
        parts.append(f"Drawn in {len(views)} pages of at most {PAGE_MODELS} models, by app; "
                     "the models of the service's other pages appear as stubs.")
    hidden_models = sum(v.hidden_models for v in views)
    hidden_stubs = sum(v.hidden_stubs for v in views)
    folded = []
    if hidden_models:
        folded.append(f"{hidden_models} models with the fewest relations")
    if hidden_stubs:
        folded.append(f"{hidden_stubs} models of other services")
    if folded:
        parts.append("Folded to stay readable: " + " and ".join(folded) + ".")
    return " ".join(parts)
