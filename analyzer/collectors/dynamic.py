"""Dynamic loads an import graph cannot see: ``apps.get_model("app", "Model")``,
``get_model``/``get_class`` helpers (django-oscar's ``get_class("dashboard.catalogue.forms",
"ProductForm")`` loads from whichever app provides that module label)."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from analyzer.collectors import Collector, collector
from analyzer.contribution import Contribution, Edge
from analyzer.facts import ParsedModule, dotted, literal_str
from analyzer.resolution import Resolution
from decompose.model import DependencyKind

_MODEL_LOADERS = frozenset({"get_model", "load_model"})
_CLASS_LOADERS = frozenset({"get_class", "get_classes"})
_LOADER_STEMS = ("get_model", "load_model", "get_class")  # every loader's name contains one


@dataclass(frozen=True)
class DynamicFact:
    loader: str  # "model" or "class"
    args: tuple[str, ...]
    line: int


@collector
class Dynamic(Collector):
    name = "dynamic"
    own_only = True

    def extract(self, parsed: ParsedModule) -> tuple[DynamicFact, ...]:
        if not parsed.may_mention(*_LOADER_STEMS):
            return ()
        facts = []
        for call in parsed.nodes(ast.Call):
            name = (dotted(call.func) or "").rpartition(".")[2]
            kind = ("model" if name in _MODEL_LOADERS else
                    "class" if name in _CLASS_LOADERS else None)
            texts = [literal_str(a) for a in call.args[:2]]
            args = tuple(t for t in texts if t is not None)
            if kind and args and len(args) == len(texts):
                facts.append(DynamicFact(kind, args, call.lineno))
        return tuple(facts)

    def resolve(self, resolution: Resolution) -> Contribution:
        labels = {a.label for a in resolution.project.apps}
        edges = []
        for module, source, fact in resolution.app_facts(self.name, DynamicFact):
            target: str | None
            if fact.loader == "model":
                app = fact.args[0].partition(".")[0]
                target = app if app in labels else None
            else:
                target = _app_providing(resolution, fact.args[0])
            if target and target != source:
                edges.append(Edge(source, target, DependencyKind.DYNAMIC,
                                  resolution.location(module, fact.line)))
        return Contribution(edges=tuple(edges))


def _app_providing(resolution: Resolution, module_label: str) -> str | None:
    """The app whose package ends with the longest leading part of ``module_label``."""
    parts = module_label.split(".")
    for cut in range(len(parts), 0, -1):
        suffix = "." + ".".join(parts[:cut])
        for app in resolution.project.apps:
            if ("." + app.name).endswith(suffix):
                return app.label
    return None
