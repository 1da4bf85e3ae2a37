"""Models, their fields and relations, resolved the way Django's ModelBase would build them.

Extraction records every module-level class (models are only known to be models once bases are
resolved across modules). Resolution decides which classes are models, gives each its label
(``Meta.app_label`` or the containing app), table, inherited abstract fields, ``<parent>_ptr``
links and the implicit primary key, and resolves relation targets written as classes, imported
names, ``"app.Model"``/``"Model"``/``"self"`` strings or the swappable user model.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from analyzer.collectors import Collector, Contribution, Edge, collector
from analyzer.facts import ParsedModule, dotted, literal_str
from analyzer.known import (
    AUTO_FIELD,
    DEFAULT_TARGETS,
    MODEL_BASES,
    RUNTIME_FIELDS,
    THIRD_PARTY_MODEL_BASES,
    field_kind,
    guess_field_kind,
)
from analyzer.startup import FIELD_RULES, FieldRule, decorator_rule, register_rule
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
    from analyzer.resolution import Resolution  # it imports this module's facts

_META_KEYS = ("abstract", "proxy", "app_label", "db_table", "managed")
_OPTION_KEYS = ("null", "unique", "primary_key", "db_column", "related_name", "parent_link")

# ("str", "app.Model") | ("name", "dotted.Name") | ("user", "") | ("swap", "app.Model")
# | ("abs", "package.module.Name"): a name imported inside a function
Target = tuple[str, str]


@dataclass(frozen=True)
class FieldFact:
    """``name = Callable(...)`` in a class body (or ``name = None``: removes an inherited one)."""

    name: str
    line: int
    func: str  # dotted callee as written; "" for a removal
    target: Target | None
    through: Target | None
    on_delete: str | None
    options: tuple[tuple[str, object], ...]
    keywords: tuple[tuple[str, object], ...] = ()  # every keyword; non-literal values None


@dataclass(frozen=True)
class ClassFact:
    name: str
    line: int
    bases: tuple[str, ...]  # dotted as written; "" for an expression we cannot name
    meta: tuple[tuple[str, object], ...]
    has_meta: bool
    meta_inherits: bool  # ``class Meta(Base.Meta)``
    fields: tuple[FieldFact, ...]
    attributes: tuple[str, ...] = ()  # other class attributes set to a non-empty value
    decorators: tuple[str, ...] = ()  # dotted callee of each ``@obj.method(...)``
    # a field class's own defaults: ("to" | "through", target) its __init__ sets
    init_defaults: tuple[tuple[str, Target], ...] = ()


def _target(node: ast.expr | None) -> Target | None:
    text = literal_str(node)
    if text is not None:
        return ("str", text)
    name = dotted(node)
    if name is not None:
        return ("user", "") if name.endswith("AUTH_USER_MODEL") else ("name", name)
    if isinstance(node, ast.Call):
        func = dotted(node.func) or ""
        if func.endswith("get_user_model"):
            return ("user", "")
        if func == "getattr" and len(node.args) >= 2 and (literal_str(node.args[1]) or "") \
                == "AUTH_USER_MODEL":  # getattr(settings, "AUTH_USER_MODEL", "auth.User")
            return ("user", "")
        args = [literal_str(a) for a in node.args]
        if func.endswith("get_model_name") and len(args) == 2 and all(args):
            return ("swap", f"{args[0]}.{args[1]}")  # swapper: <APP>_<MODEL>_MODEL setting
    return None


def _field(stmt: ast.stmt) -> FieldFact | None:
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        name, value = stmt.targets[0], stmt.value
    elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        name, value = stmt.target, stmt.value
    else:
        return None
    if not isinstance(name, ast.Name):
        return None
    if isinstance(value, ast.Constant) and value.value is None:
        return FieldFact(name.id, stmt.lineno, "", None, None, None, ())
    if not isinstance(value, ast.Call):
        return None
    func = dotted(value.func)
    if func is None:
        return None
    given = {k.arg: k.value for k in value.keywords}  # a repeated keyword is a SyntaxError
    options: list[tuple[str, object]] = []
    for key in _OPTION_KEYS:
        node = given.get(key)
        if isinstance(node, ast.Constant) and isinstance(node.value, bool | str):
            options.append((key, node.value))
    on_delete = dotted(given.get("on_delete"))
    if on_delete is None and len(value.args) > 1:
        on_delete = dotted(value.args[1])
    target = _target(given.get("to")) or (_target(value.args[0]) if value.args else None)
    keywords = tuple(sorted((k, _literal(v)) for k, v in given.items() if k))
    return FieldFact(name.id, stmt.lineno, func, target, _target(given.get("through")),
                     on_delete.rpartition(".")[2] if on_delete else None, tuple(options),
                     keywords)


def _literal(node: ast.expr) -> object:
    """A keyword's value when it is a plain literal (str, number, bool, list of them)."""
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(value, tuple):
        value = list(value)
    return value if isinstance(value, str | int | float | bool | list) else None


def _class(node: ast.ClassDef) -> ClassFact:
    meta: dict[str, object] = {}
    has_meta = meta_inherits = False
    fields: list[FieldFact] = []
    attributes: list[str] = []
    for stmt in node.body:
        if isinstance(stmt, ast.ClassDef) and stmt.name == "Meta":
            has_meta, meta_inherits = True, bool(stmt.bases)
            for item in stmt.body:
                if (isinstance(item, ast.Assign) and len(item.targets) == 1
                        and isinstance(item.targets[0], ast.Name)
                        and item.targets[0].id in _META_KEYS
                        and isinstance(item.value, ast.Constant)):
                    meta[item.targets[0].id] = item.value.value
        else:
            found = _field(stmt)
            if found is not None:
                fields.append(found)
            elif (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                  and isinstance(stmt.targets[0], ast.Name) and not (
                      isinstance(stmt.value, ast.List | ast.Tuple) and not stmt.value.elts)):
                attributes.append(stmt.targets[0].id)
    decorators = tuple(dotted(d.func if isinstance(d, ast.Call) else d) or ""
                       for d in node.decorator_list)
    return ClassFact(node.name, node.lineno, tuple(dotted(b) or "" for b in node.bases),
                     tuple(sorted(meta.items())), has_meta, meta_inherits, tuple(fields),
                     tuple(attributes), tuple(d for d in decorators if "." in d),
                     _init_defaults(node))


def _init_defaults(node: ast.ClassDef) -> tuple[tuple[str, Target], ...]:
    """``kwargs.setdefault("to", Status)`` and ``super().__init__(Placeholder, ...)`` in a
    field class's ``__init__``: the target (or through model) its fields get when none is
    written. Names imported inside ``__init__`` are kept absolute."""
    init = next((n for n in node.body if isinstance(n, ast.FunctionDef)
                 and n.name == "__init__"), None)
    if init is None:
        return ()
    local = {alias.asname or alias.name: f"{n.module}.{alias.name}"
             for n in ast.walk(init) if isinstance(n, ast.ImportFrom) and n.module
             and not n.level for alias in n.names}
    found: dict[str, Target] = {}
    for call in (n for n in ast.walk(init) if isinstance(n, ast.Call)):
        func = call.func
        if (isinstance(func, ast.Attribute) and func.attr == "setdefault"
                and len(call.args) == 2 and literal_str(call.args[0]) in ("to", "through")):
            pairs = [(literal_str(call.args[0]) or "", call.args[1])]
        elif (isinstance(func, ast.Attribute) and func.attr == "__init__"
              and isinstance(func.value, ast.Call) and dotted(func.value.func) == "super"):
            first = [("to", call.args[0])] if call.args and not isinstance(
                call.args[0], ast.Starred) else []
            pairs = first + [(k.arg, k.value) for k in call.keywords
                             if k.arg in ("to", "through")]
        else:
            continue
        for key, value in pairs:
            target = _target(value)
            if target is not None and target[0] == "name" and \
                    target[1].partition(".")[0] in local:
                head, dot, rest = target[1].partition(".")
                target = ("abs", local[head] + dot + rest)
            if target is not None:
                found.setdefault(key, target)
    return tuple(sorted(found.items()))


@dataclass
class _Resolved:
    """A model class being resolved (mutable while the index is built)."""

    qualname: str
    module: str
    fact: ClassFact
    label: str | None
    abstract: bool


class ModelIndex:
    """Which classes are models and what label each has; shared with later collectors."""

    def __init__(self, resolution: Resolution):
        self.r = resolution
        self.classes: dict[str, tuple[str, ClassFact]] = {}
        self._is_model: dict[str, bool] = {}
        self._field_kind: dict[str, tuple[bool, RelationKind | None]] = {}
        self.by_qualname: dict[str, _Resolved] = {}
        self.by_label: dict[str, _Resolved] = {}
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
        known = field_kind(qualname)
        if known is not None:
            self._field_kind[qualname] = known
            return known
        self._field_kind[qualname] = (False, None)  # cycle guard
        found = self.lookup(qualname)
        result = guess_field_kind(qualname)
        if found is not None:
            module, fact = found
            result = (False, None)
            for base in self.base_qualnames(module, fact):
                kind = self.field_kind(base)
                if kind[0]:
                    result = kind
                    break
        self._field_kind[qualname] = result
        return result

    def register(self, resolved: _Resolved) -> None:
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
                label = self.label_of(qualified) or self._classify(qualified)
                if label:
                    return label
                app = self.r.app_of(qualified)
                return f"{app}.{value.rpartition('.')[2]}" if app else None
        if value == "self":
            return scope_label
        if "." not in value:
            value = f"{scope_app}.{value}"
        return self.normalise(value)

    def _classify(self, qualname: str) -> str | None:
        if qualname not in self.by_qualname and self.lookup(qualname) and self.is_model(qualname):
            module, fact = self.classes[qualname]
            self.register(_Resolved(qualname, module, fact, self._label(module, fact),
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

    def _label(self, module: str, fact: ClassFact) -> str | None:
        meta = self.effective_meta(f"{module}.{fact.name}")
        app = meta.get("app_label") if isinstance(meta.get("app_label"), str) else None
        app = app or self.r.app_of(module)
        return f"{app}.{fact.name}" if app else None


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
        return tuple(_class(node) for node in parsed.top_level() if isinstance(node, ast.ClassDef))

    def resolve(self, resolution: Resolution) -> Contribution:
        index = ModelIndex(resolution)
        resolution.models = index
        for module in sorted(resolution.files):
            index.add_module(module)
        diagnostics: list[Diagnostic] = []
        candidates = []
        app_names = {a.label: a.name for a in resolution.project.apps}
        loaded = resolution.imported_at_startup()
        for qualname, (module, fact) in sorted(index.classes.items()):
            if module in resolution.own and module not in loaded:
                continue  # never imported when Django starts: not in the registry
            if is_test_module(module, app_names.get(resolution.app_of(module))):
                continue
            if not index.is_model(qualname):
                if module in resolution.own and "models" in module.split("."):
                    diagnostics.extend(_missing_bases(index, resolution, module, fact))
                continue
            abstract = bool(dict(fact.meta).get("abstract"))
            label = index._label(module, fact)
            resolved = _Resolved(qualname, module, fact, label, abstract)
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
        builder = _ModelBuilder(index, resolution)
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
        models = _startup_contributions(models, builder.contributing, resolution, index, edges)
        models = _decorated(models, resolution, index, loaded, edges)
        return Contribution(models=tuple(models), edges=tuple(edges),
                            diagnostics=tuple(diagnostics + builder.diagnostics))


def _startup_contributions(models: list[Model],
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
    for module, app, fact in resolution.app_facts("startup"):
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


def _decorated(models: list[Model], resolution: Resolution, index: ModelIndex,
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


class _ModelBuilder:
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

    def build(self, m: _Resolved) -> tuple[Model, list[Edge]]:
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
                self.index._classify(base)
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

    def _missing_field_package(self, m: _Resolved, fact: FieldFact, qualified: str,
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

    def _runtime_relations(self, m: _Resolved, declared: list[Relation],
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

    def _db_table(self, m: _Resolved, meta: dict[str, object], proxy: bool,
                  concrete_parents: list[_Resolved]) -> str:
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

    def _concrete_parents(self, m: _Resolved) -> list[_Resolved]:
        """Concrete model parents, also those reached through abstract bases (an abstract
        subclass of a concrete model passes its parent link on)."""
        out: list[_Resolved] = []
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
