"""Which classes are models and what label each has, resolved the way Django's ModelBase does.

Built over name binding (``analyzer.names``) and shared by the collectors: the models collector
fills it in phase 0, the couplings read it to know what a model is. It resolves relation
targets written as classes, imported names, ``"app.Model"``/``"Model"``/``"self"`` strings or
the swappable user model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from analyzer.classes import ClassFact, Target
from analyzer.known import MODEL_BASES, THIRD_PARTY_MODEL_BASES, field_kind, guess_field_kind
from decompose.model import RelationKind

if TYPE_CHECKING:
    from analyzer.names import Names


@dataclass
class ModelClass:
    """A model class being resolved (mutable while the index is built)."""

    qualname: str
    module: str
    fact: ClassFact
    label: str | None
    abstract: bool


class ModelIndex:
    """Which classes are models and what label each has; shared with later collectors."""

    def __init__(self, names: Names):
        self.r = names
        self.classes: dict[str, tuple[str, ClassFact]] = {}
        self._is_model: dict[str, bool] = {}
        self._field_kind: dict[str, tuple[bool, RelationKind | None]] = {}
        self.by_qualname: dict[str, ModelClass] = {}
        self.by_label: dict[str, ModelClass] = {}
        self._lower: dict[str, str] = {}
        self._by_label_guess: dict[str, str | None] = {}
        self._bases: dict[tuple[str, str], tuple[str, ...]] = {}
        self._meta: dict[str, dict[str, object]] = {}

    def add_module(self, module: str) -> None:
        facts = self.r.facts(module)
        for fact in facts.of("models") if facts else ():
            if isinstance(fact, ClassFact):
                self.classes.setdefault(f"{module}.{fact.name}", (module, fact))

    def lookup(self, qualname: str) -> tuple[str, ClassFact] | None:
        found = self.classes.get(qualname)
        if found is None:
            module = qualname.rpartition(".")[0]
            if module and self.r.facts(module) is not None:
                self.add_module(module)
                found = self.classes.get(qualname)
        return found

    def base_qualnames(self, module: str, fact: ClassFact) -> tuple[str, ...]:
        """The qualified names of a class's bases (``fact`` is the class ``classes`` holds).

        Memoised on the index: building one model asks for the bases of its ancestors several
        times, and the answer cannot change within a run (``resolve`` and the ``get_model``
        guess are memoised themselves)."""
        key = (module, fact.name)
        found = self._bases.get(key)
        if found is None:
            found = self._bases[key] = tuple(self._resolve_bases(module, fact))
        return found

    def _resolve_bases(self, module: str, fact: ClassFact) -> list[str]:
        out = []
        for base in fact.bases:
            if not base:
                continue
            qualified = self.r.resolve(module, base) or base
            if qualified.startswith("model:"):  # Base = get_model("offer", "Benefit")
                qualified = self._class_for_label(qualified[6:]) or qualified
            out.append(qualified)
        return out

    def _class_for_label(self, label: str) -> str | None:
        """The class a label names, before labels are assigned (for get_model bases).

        Memoised on the index, not with ``functools.cache``: that would keep every run's
        index, and through it all of the run's facts, alive for the life of the process."""
        if label in self._by_label_guess:
            return self._by_label_guess[label]
        app, _, name = label.partition(".")
        found = None
        for qualname, (module, fact) in sorted(self.classes.items()):
            if fact.name == name and not dict(fact.meta).get("abstract"):
                meta_app = dict(fact.meta).get("app_label")
                if (meta_app or self.r.app_of(module)) == app:
                    found = qualname
                    break
        self._by_label_guess[label] = found
        return found

    def is_model(self, qualname: str) -> bool:
        if qualname in self._is_model:
            return self._is_model[qualname]
        self._is_model[qualname] = False  # cycle guard
        found = self.lookup(qualname)
        result = qualname in MODEL_BASES or qualname in THIRD_PARTY_MODEL_BASES
        if found is not None and not result:
            module, fact = found
            result = any(self.is_model(b) for b in self.base_qualnames(module, fact))
        self._is_model[qualname] = result
        return result

    def field_kind(self, qualname: str) -> tuple[bool, RelationKind | None]:
        """(is a field, relation kind) of a field class; memoised, known names included
        (every field of every model asks)."""
        found = self._field_kind.get(qualname)
        if found is not None:
            return found
        known = (False, None) if self.r.defines_no_django(qualname) else field_kind(qualname)
        if known is not None:
            self._field_kind[qualname] = known
            return known
        self._field_kind[qualname] = (False, None)  # cycle guard
        declared = self.lookup(qualname)
        result = guess_field_kind(qualname)
        if declared is not None:
            module, fact = declared
            result = (False, None)
            for base in self.base_qualnames(module, fact):
                kind = self.field_kind(base)
                if kind[0]:
                    result = kind
                    break
        self._field_kind[qualname] = result
        return result

    def register(self, resolved: ModelClass) -> None:
        self.by_qualname[resolved.qualname] = resolved
        if resolved.label and resolved.label not in self.by_label:
            self.by_label[resolved.label] = resolved
            self._lower[resolved.label.lower()] = resolved.label

    def label_of(self, qualname: str) -> str | None:
        found = self.by_qualname.get(qualname)
        return found.label if found else None

    def normalise(self, label: str) -> str:
        return self._lower.get(label.lower(), label)

    def target_label(self, target: Target | None, module: str, scope_app: str,
                     scope_label: str) -> str | None:
        """Django's resolve_relation, statically: the model label a target refers to."""
        if target is None:
            return None
        kind, value = target
        if kind == "user":
            return self.normalise(self.r.project.settings.string("AUTH_USER_MODEL", "auth.User"))
        if kind == "swap":
            setting = value.replace(".", "_").upper() + "_MODEL"
            return self.normalise(self.r.project.settings.string(setting, value))
        if kind in ("name", "abs"):
            qualified = (self.r.canonical(value) if kind == "abs"
                         else self.r.resolve(module, value)) or value
            special, _, rest = qualified.partition(":")
            if special == "setting":
                return self.normalise(self.r.project.settings.string(rest, "auth.User"))
            if special == "model":
                return self.normalise(rest)
            if special == "const":
                value = rest
            else:
                label = self.label_of(qualified) or self.classify(qualified)
                if label:
                    return label
                app = self.r.app_of(qualified)
                return f"{app}.{value.rpartition('.')[2]}" if app else None
        if value == "self":
            return scope_label
        if "." not in value:
            value = f"{scope_app}.{value}"
        return self.normalise(value)

    def classify(self, qualname: str) -> str | None:
        """The label of a model class met as a base or a relation target before the models
        collector reached it, registering it on the way."""
        if qualname not in self.by_qualname and self.lookup(qualname) and self.is_model(qualname):
            module, fact = self.classes[qualname]
            self.register(ModelClass(qualname, module, fact, self.label_for(module, fact),
                                    bool(dict(fact.meta).get("abstract"))))
        return self.label_of(qualname)

    def effective_meta(self, qualname: str) -> dict[str, object]:
        """Meta options including those inherited from an abstract parent's Meta (memoised:
        a model's label and its build both ask; callers only read the dict)."""
        meta = self._meta.get(qualname)
        if meta is None:
            meta = self._meta[qualname] = self._inherited_meta(qualname)
        return meta

    def _inherited_meta(self, qualname: str) -> dict[str, object]:
        found = self.lookup(qualname)
        if found is None:
            return {}
        module, fact = found
        meta = dict(fact.meta)
        if not fact.has_meta or fact.meta_inherits:
            for base in self.base_qualnames(module, fact):
                base_found = self.lookup(base)
                if base_found and dict(base_found[1].meta).get("abstract"):
                    inherited = self.effective_meta(base)
                    for key in ("app_label", "db_table", "managed"):
                        if key in inherited:
                            meta.setdefault(key, inherited[key])
                    break
        return meta

    def label_for(self, module: str, fact: ClassFact) -> str | None:
        """``Meta.app_label`` (also inherited from an abstract base) or the containing app's
        label, dot the class name."""
        meta = self.effective_meta(f"{module}.{fact.name}")
        app = meta.get("app_label") if isinstance(meta.get("app_label"), str) else None
        app = app or self.r.app_of(module)
        return f"{app}.{fact.name}" if app else None
