"""Models and relations third-party packages add at start-up, applied to the built models.

``analyzer.startup`` holds the rules; this applies them: models a class attribute registers
(simple-history), fields a registration call adds (activity-stream), models a class decorator
registers beside an own class (django-hierarkey).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from analyzer.contribution import Edge
from analyzer.model_index import ModelIndex
from analyzer.startup import FieldRule, RegisterFact, decorator_rule, register_rule
from decompose.model import DependencyKind, Location, Model

if TYPE_CHECKING:
    from analyzer.resolution import Resolution


def startup_contributions(models: list[Model],
                           contributing: list[tuple[str, FieldRule, dict[str, object], Location]],
                           resolution: Resolution, index: ModelIndex,
                           edges: list[Edge]) -> list[Model]:
    """Apply ``analyzer.startup``'s rules: models a class attribute registers (simple-history)
    and fields a registration call adds (activity-stream)."""
    by_label = {m.label: m for m in models}
    user = index.normalise(resolution.project.settings.string("AUTH_USER_MODEL", "auth.User"))
    for label, rule, options, where in contributing:
        added = rule.contribute(by_label[label], options, user, where)
        if added.label not in by_label:
            by_label[added.label] = added
            edges.extend(_relation_edges(added))
    for module, app, fact in resolution.app_facts("startup", RegisterFact):
        register = register_rule(fact.func) or register_rule(
            resolution.resolve(module, fact.func) or "")
        if register is None:
            continue
        kind, value = fact.model
        target = (f"{app}.{value}" if kind == "config" else value if kind == "label"
                  else index.label_of(resolution.canonical(value))
                  or index.label_of(resolution.resolve(module, value) or value))
        model = by_label.get(index.normalise(target)) if target else None
        if model is None:
            continue
        where = resolution.location(module, fact.line)
        added_relations = register.contribute(model, where)
        by_label[model.label] = replace(model, relations=model.relations + added_relations)
        edges.extend(_relation_edges(replace(model, relations=added_relations)))
    return list(by_label.values())


def decorated_models(models: list[Model], resolution: Resolution, index: ModelIndex,
               loaded: set[str], edges: list[Edge]) -> list[Model]:
    """Models a class decorator registers beside an own class (django-hierarkey)."""
    by_label = {m.label: m for m in models}
    for qualname, (module, fact) in sorted(index.classes.items()):
        if not fact.decorators or module not in resolution.own or module not in loaded:
            continue
        for decorator in fact.decorators:
            target, _, method = decorator.rpartition(".")
            found = decorator_rule(resolution.resolve(module, target) or "", method)
            label = index.label_of(qualname)
            model = by_label.get(label) if label else None
            app = model.app if model else resolution.app_of(module)
            if found is None or app is None:
                continue
            rule, value = found
            added = rule.contribute(app, fact.name, model, value,
                                    resolution.location(module, fact.line))
            if added.label not in by_label:
                by_label[added.label] = added
                edges.extend(_relation_edges(added))
    return list(by_label.values())


def _relation_edges(model: Model) -> list[Edge]:
    return [Edge(model.app, r.target.partition(".")[0], DependencyKind.RELATION, r.location)
            for r in model.relations
            if r.target and r.target.partition(".")[0] != model.app]
