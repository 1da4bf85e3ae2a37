"""One model class, resolved by the model index, turned into the contract's ``Model``.

Inherited abstract fields, ``<parent>_ptr`` links, the implicit primary key, relation targets
(also a field class's own default target), fields third-party code adds when the class is
prepared (taggit, generic relations), the table name; and the app-level edges they imply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from analyzer.classes import FieldFact
from analyzer.contribution import Edge
from analyzer.known import AUTO_FIELD, DEFAULT_TARGETS, MODEL_BASES, RUNTIME_FIELDS
from analyzer.model_index import ModelClass, ModelIndex
from analyzer.startup import FIELD_RULES, FieldRule
from decompose.model import (
    DependencyKind,
    Diagnostic,
    DiagnosticLevel,
    Field,
    Location,
    Model,
    Relation,
    RelationKind,
)

if TYPE_CHECKING:
    from analyzer.resolution import Resolution


class ModelBuilder:
    """Turns a resolved model class into the contract's Model, with its app-level edges."""

    def __init__(self, index: ModelIndex, resolution: Resolution):
        self.index = index
        self.r = resolution
        self.diagnostics: list[Diagnostic] = []
        settings = resolution.project.settings
        self.default_auto = settings.string("DEFAULT_AUTO_FIELD", AUTO_FIELD)
        self.app_auto = {a.label: a.default_auto_field for a in resolution.project.apps
                         if a.default_auto_field}
        self._inherited: dict[str, tuple[tuple[FieldFact, str], ...]] = {}
        self._tag_managers: dict[str, bool] = {}
        self._rules: dict[str, FieldRule | None] = {}
        self._taggable: set[tuple[str, str]] = set()  # (model, field): tag managers
        # (model label, rule, call keywords, where): models packages add at start-up
        self.contributing: list[tuple[str, FieldRule, dict[str, object], Location]] = []

    def build(self, m: ModelClass) -> tuple[Model, list[Edge]]:
        assert m.label is not None
        app, _, _name = m.label.partition(".")
        meta = self.index.effective_meta(m.qualname)
        proxy = bool(meta.get("proxy")) and not m.abstract
        parents, concrete_parents, edges = [], [], []
        here = self.r.location(m.module, m.fact.line)
        for base in self.index.base_qualnames(m.module, m.fact):
            if not self.index.is_model(base) or base in MODEL_BASES:
                continue
            parent = self.index.by_qualname.get(base)
            if parent is None:
                self.index.classify(base)
                parent = self.index.by_qualname.get(base)
            label = parent.label if parent and parent.label else base
            parents.append(label)
            if parent is not None and not parent.abstract:
                concrete_parents.append(parent)
            target_app = label.partition(".")[0] if parent and parent.label else None
            if target_app and target_app != app:
                edges.append(Edge(app, target_app, DependencyKind.INHERITANCE, here))
        fields: dict[str, tuple[FieldFact, str]] = {}
        if not proxy:
            for base in self.index.base_qualnames(m.module, m.fact):
                for fact, module in self._inherited_fields(base):
                    fields.setdefault(fact.name, (fact, module))
            for fact in m.fact.fields:
                fields.pop(fact.name, None)
                fields[fact.name] = (fact, m.module)
        out_fields: list[Field] = []
        relations: list[Relation] = []
        explicit_links = set()
        for fact, module in fields.values():
            if not fact.func:
                continue
            qualified = self.r.resolve(module, fact.func) or fact.func
            rule = self._field_rule(qualified, 0)
            if rule is not None:
                if module == m.module and not m.abstract and not proxy:
                    self.contributing.append((m.label, rule, dict(fact.keywords),
                                              self.r.location(module, fact.line)))
                continue
            is_field, kind = self.index.field_kind(qualified)
            if module == m.module:
                self._missing_field_package(m, fact, qualified, is_field)
            if not is_field:
                continue
            options = dict(fact.options)
            out_fields.append(Field(fact.name, fact.func, options.get("null") is True,
                                    options.get("unique") is True,
                                    options.get("primary_key") is True,
                                    _str(options.get("db_column"))))
            if kind is None:
                continue
            relation = self._relation(fact, module, qualified, kind, app, m.label)
            relations.append(relation)
            if relation.parent_link:
                explicit_links.add(relation.target)
            if relation.target and relation.target.partition(".")[0] != app:
                edges.append(Edge(app, relation.target.partition(".")[0],
                                  DependencyKind.RELATION, relation.location))
        if not proxy and not m.abstract:
            relations.extend(self._runtime_relations(m, relations, here))
            linked_parents = self._concrete_parents(m)
            for parent in linked_parents:
                if parent.label in explicit_links:
                    continue
                ptr = f"{parent.fact.name.lower()}_ptr"
                relations.append(Relation(ptr, "OneToOneField", RelationKind.ONE_TO_ONE,
                                          parent.label, here, on_delete="CASCADE",
                                          parent_link=True))
                out_fields.insert(0, Field(ptr, "OneToOneField", primary_key=not any(
                    f.primary_key for f in out_fields)))
            if not linked_parents and not any(f.primary_key for f in out_fields):
                auto = self.app_auto.get(app, self.default_auto)
                out_fields.insert(0, Field("id", auto, primary_key=True))
        return Model(
            label=m.label, app=app, db_table=self._db_table(m, meta, proxy, concrete_parents),
            abstract=m.abstract, proxy=proxy, location=here,
            managed=meta.get("managed") is not False, parents=tuple(parents),
            fields=tuple(out_fields), relations=tuple(relations)), edges

    def _field_rule(self, qualified: str, depth: int) -> FieldRule | None:
        """The start-up rule of a class attribute's class, or of a class it derives from
        (Kiwi's ``KiwiHistoricalRecords(HistoricalRecords)``); memoised."""
        if qualified in self._rules:
            return self._rules[qualified]
        rule = FIELD_RULES.get(qualified)
        found = self.index.lookup(qualified) if rule is None and depth < 5 else None
        if found is not None:
            bases = self.index.base_qualnames(*found)
            rule = next((r for b in bases if (r := self._field_rule(b, depth + 1))), None)
        self._rules[qualified] = rule
        return rule

    def _missing_field_package(self, m: ModelClass, fact: FieldFact, qualified: str,
                               is_field: bool) -> None:
        package = self.r.missing_package(qualified)
        if package is None:
            return
        outcome = ("its kind is guessed from its name" if is_field
                   else "the field is left out")
        self.diagnostics.append(Diagnostic(
            DiagnosticLevel.WARNING, "package-not-installed",
            f"{m.label}.{fact.name} (field {qualified}): package {package!r} is not installed "
            f"in the environment read; {outcome} (pass --python)",
            self.r.location(m.module, fact.line)))

    def _inherited_fields(self, base: str) -> tuple[tuple[FieldFact, str], ...]:
        """``_abstract_fields`` of one base, memoised: every subclass of an abstract base
        asks again, and the answer is fixed once the base's class is known."""
        found = self._inherited.get(base)
        if found is None:
            found = self._inherited[base] = tuple(self._abstract_fields(base, set()))
        return found

    def _abstract_fields(self, qualname: str, seen: set[str]) -> list[tuple[FieldFact, str]]:
        """Fields an abstract model base (and its abstract bases) contributes, in MRO order."""
        found = self.index.lookup(qualname)
        if found is None or qualname in seen or not self.index.is_model(qualname):
            return []
        seen.add(qualname)
        module, fact = found
        if not dict(fact.meta).get("abstract"):
            return []
        out: dict[str, tuple[FieldFact, str]] = {}
        for base in self.index.base_qualnames(module, fact):
            for field, where in self._abstract_fields(base, seen):
                out.setdefault(field.name, (field, where))
        for field in fact.fields:
            out.pop(field.name, None)
            out[field.name] = (field, module)
        return list(out.values())

    def _relation(self, fact: FieldFact, module: str, qualified: str, kind: RelationKind,
                  app: str, label: str) -> Relation:
        options = dict(fact.options)
        location = self.r.location(module, fact.line)
        through = (self.index.target_label(fact.through, module, app, label)
                   or self._class_default(qualified, "through", app, label))
        if kind is RelationKind.GENERIC_FOREIGN_KEY:
            target = None
        elif qualified in DEFAULT_TARGETS or self._tag_manager(qualified):
            default_target, default_through = DEFAULT_TARGETS.get(
                qualified, ("taggit.Tag", "taggit.TaggedItem"))
            through = through or default_through
            target = self._through_target(through, "tag") or default_target
            self._taggable.add((label, fact.name))
        else:
            target = (self.index.target_label(fact.target, module, app, label)
                      if fact.target is not None
                      else self._class_default(qualified, "to", app, label))
            if target is None:
                self.diagnostics.append(Diagnostic(
                    DiagnosticLevel.WARNING, "unresolved-relation",
                    f"target of {label}.{fact.name} cannot be resolved statically", location))
        return Relation(fact.name, fact.func, kind, target, location, through=through,
                        on_delete=fact.on_delete, related_name=_str(options.get("related_name")),
                        parent_link=options.get("parent_link") is True)

    def _class_default(self, qualified: str, key: str, app: str, label: str) -> str | None:
        """The target a field class (or a class it derives from) gives its fields when none
        is written: StatusField's ``kwargs.setdefault("to", Status)``."""
        for cls in self._linearised(qualified):
            module, fact = self.index.classes[cls]
            target = dict(fact.init_defaults).get(key)
            if target is not None:
                return self.index.target_label(target, module, app, label)
        return None

    def _linearised(self, qualname: str) -> list[str]:
        """The class and its bases, nearest first (depth first; known classes only)."""
        out: list[str] = []
        todo = [qualname]
        while todo and len(out) < 20:
            current = todo.pop(0)
            if current in out or self.index.lookup(current) is None:
                continue
            out.append(current)
            todo.extend(self.index.base_qualnames(*self.index.classes[current]))
        return out

    def _runtime_relations(self, m: ModelClass, declared: list[Relation],
                           here: Location) -> list[Relation]:
        """Fields third-party code adds when the model class is prepared."""
        out = []
        for relation in declared:
            if relation.kind is RelationKind.MANY_TO_MANY and relation.through and (
                    (m.label, relation.field) in self._taggable or self._is_taggable(relation)
            ) and self._has_gfk(relation.through):
                out.append(Relation("tagged_items", "GenericRelation",
                                    RelationKind.GENERIC_RELATION, relation.through,
                                    relation.location))
        mro = self._mro(m.qualname, set())
        for mixin, (name, kind, target, attribute) in RUNTIME_FIELDS.items():
            if (mixin in mro and target.partition(".")[0] in self.r.app_labels
                    and any(attribute in self.index.classes[q][1].attributes
                            for q in mro if q in self.index.classes)):
                out.append(Relation(name, "GenericRelation", kind, target, here))
        return out

    def _mro(self, qualname: str, seen: set[str]) -> set[str]:
        if qualname in seen:
            return seen
        seen.add(qualname)
        found = self.index.lookup(qualname)
        if found is not None:
            for base in self.index.base_qualnames(*found):
                self._mro(base, seen)
        return seen

    def _is_taggable(self, relation: Relation) -> bool:
        return relation.type.rpartition(".")[2].endswith("TaggableManager")

    def _has_gfk(self, label: str) -> bool:
        """Whether a through model links by GenericForeignKey (taggit then adds
        ``tagged_items``); taggit's own default through does."""
        resolved = self.index.by_label.get(label)
        if resolved is None:
            return label == "taggit.TaggedItem"
        fields = [(f, resolved.module) for f in resolved.fact.fields]
        for base in self.index.base_qualnames(resolved.module, resolved.fact):
            fields.extend(self._inherited_fields(base))
        return any(self.index.field_kind(self.r.resolve(where, f.func) or f.func)[1]
                   is RelationKind.GENERIC_FOREIGN_KEY for f, where in fields if f.func)

    def _tag_manager(self, qualified: str) -> bool:
        """Whether a field class subclasses taggit's manager; memoised (every relation field
        asks about its class)."""
        found = self._tag_managers.get(qualified)
        if found is None:
            found = self._tag_managers[qualified] = self._subclasses_tag_manager(qualified)
        return found

    def _subclasses_tag_manager(self, qualified: str) -> bool:
        found = self.index.lookup(qualified)
        if found is None:
            return False
        module, fact = found
        return any(b in DEFAULT_TARGETS or self._tag_manager(b)
                   for b in self.index.base_qualnames(module, fact) if b != qualified)

    def _through_target(self, through: str | None, field: str) -> str | None:
        resolved = self.index.by_label.get(through) if through else None
        if resolved is None:
            return None
        app = resolved.label.partition(".")[0] if resolved.label else ""
        fields = {f.name: (f, resolved.module) for f in resolved.fact.fields}
        for base in self.index.base_qualnames(resolved.module, resolved.fact):
            for f, where in self._inherited_fields(base):
                fields.setdefault(f.name, (f, where))
        found = fields.get(field)
        if found is None:
            return None
        return self.index.target_label(found[0].target, found[1], app, resolved.label or "")

    def _db_table(self, m: ModelClass, meta: dict[str, object], proxy: bool,
                  concrete_parents: list[ModelClass]) -> str:
        if proxy and concrete_parents:
            parent = concrete_parents[0]
            parent_meta = self.index.effective_meta(parent.qualname)
            return self._db_table(parent, parent_meta, bool(parent_meta.get("proxy")),
                                  self._concrete_parents(parent))
        table = meta.get("db_table")
        if isinstance(table, str):
            return table
        assert m.label is not None
        app, _, name = m.label.partition(".")
        return f"{app}_{name.lower()}"

    def _concrete_parents(self, m: ModelClass) -> list[ModelClass]:
        """Concrete model parents, also those reached through abstract bases (an abstract
        subclass of a concrete model passes its parent link on)."""
        out: list[ModelClass] = []
        for base in self.index.base_qualnames(m.module, m.fact):
            parent = self.index.by_qualname.get(base)
            if parent is None:
                continue
            if not parent.abstract:
                out.append(parent)
            else:
                out.extend(p for p in self._concrete_parents(parent) if p not in out)
        return out


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None
