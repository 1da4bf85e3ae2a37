"""Models: which module-level classes Django would register, built into the contract's Models.

Extraction records every module-level class (``analyzer.classes``: models are only known to be
models once bases are resolved across modules). Resolution asks the model index
(``analyzer.model_index``) which classes are models and what label each has, warns about
classes it cannot place, builds each own model (``analyzer.model_builder``) and applies what
packages add at start-up (``analyzer.model_startup``).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from analyzer.classes import ClassFact, read_class
from analyzer.collectors import Collector, collector
from analyzer.contribution import Contribution
from analyzer.facts import ParsedModule
from analyzer.model_builder import ModelBuilder
from analyzer.model_index import ModelClass, ModelIndex
from analyzer.model_startup import decorated_models, startup_contributions
from decompose.model import Diagnostic, DiagnosticLevel

if TYPE_CHECKING:
    from analyzer.resolution import Resolution


def is_test_module(module: str, app_name: str | None) -> bool:
    """Test code inside an app (``app/tests/...``, ``test_*.py``): Django never imports it at
    start-up, so its models are not registered. An app that lives in a ``test`` package (as
    wagtail's test apps do) is still an app."""
    inner = module[len(app_name):] if app_name and module.startswith(app_name) else module
    parts = [p for p in inner.split(".") if p]
    return any(p in ("tests", "test") or p.startswith("test_") for p in parts)


@collector
class Models(Collector):
    name = "models"
    phase = 0

    def extract(self, parsed: ParsedModule) -> tuple[ClassFact, ...]:
        return tuple(read_class(node) for node in parsed.top_level()
                     if isinstance(node, ast.ClassDef))

    def resolve(self, resolution: Resolution) -> Contribution:
        index = resolution.models
        for module in sorted(resolution.files):
            index.add_module(module)
        diagnostics: list[Diagnostic] = []
        candidates = []
        app_names = {a.label: a.name for a in resolution.project.apps}
        loaded = resolution.imported_at_startup()
        for qualname, (module, fact) in sorted(index.classes.items()):
            if module in resolution.own and module not in loaded:
                continue  # never imported when Django starts: not in the registry
            app = resolution.app_of(module)
            if is_test_module(module, app_names.get(app) if app else None):
                continue
            if not index.is_model(qualname):
                if module in resolution.own and "models" in module.split("."):
                    diagnostics.extend(_missing_bases(index, resolution, module, fact))
                continue
            abstract = bool(dict(fact.meta).get("abstract"))
            label = index.label_for(module, fact)
            resolved = ModelClass(qualname, module, fact, label, abstract)
            if label is None and not abstract and module in resolution.own:
                diagnostics.append(Diagnostic(
                    DiagnosticLevel.WARNING, "model-outside-app",
                    f"model {fact.name} is in no installed app and has no Meta.app_label",
                    resolution.location(module, fact.line)))
            if label in index.by_label and not abstract and module in resolution.own:
                other = index.by_label[label]
                diagnostics.append(Diagnostic(
                    DiagnosticLevel.WARNING, "duplicate-model",
                    f"model {label} is defined again (first in {other.module})",
                    resolution.location(module, fact.line)))
                continue
            if abstract:
                index.by_qualname[qualname] = resolved
            else:
                index.register(resolved)
            candidates.append(resolved)
        builder = ModelBuilder(index, resolution)
        models, edges = [], []
        own_apps = {a.label for a in resolution.project.apps if not a.external}
        for resolved in candidates:
            if resolved.module not in resolution.own or resolved.label is None:
                continue
            if resolved.label.partition(".")[0] not in own_apps:
                continue
            model, model_edges = builder.build(resolved)
            models.append(model)
            edges.extend(model_edges)
        models = startup_contributions(models, builder.contributing, resolution, index, edges)
        models = decorated_models(models, resolution, index, loaded, edges)
        return Contribution(models=tuple(models), edges=tuple(edges),
                            diagnostics=tuple(diagnostics + builder.diagnostics))


def _missing_bases(index: ModelIndex, resolution: Resolution, module: str,
                   fact: ClassFact) -> list[Diagnostic]:
    """A class of a models module whose base comes from a package not installed in the
    environment read: it may be a model, and nothing about it can be known."""
    out = []
    for base in index.base_qualnames(module, fact):
        package = resolution.missing_package(base)
        if package is not None:
            out.append(Diagnostic(
                DiagnosticLevel.WARNING, "package-not-installed",
                f"{fact.name} (base {base}): package {package!r} is not installed in the "
                "environment read; the class is left out (pass --python)",
                resolution.location(module, fact.line)))
    return out
