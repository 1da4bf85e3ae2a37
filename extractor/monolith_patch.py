"""The monolith's side of an extraction: the bridge's allowlist, the runtime it needs (a
requirement, or a vendored copy), INSTALLED_APPS and the root URLconf.

The change is computed as whole-file before/after pairs (settings and URLconf edited with
libcst, keeping their formatting), rendered as one unified diff (``monolith.patch``, always
written), and applied only on request, after checking that every file is still exactly as it
was when the patch was made.
"""

from __future__ import annotations

import difflib
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import libcst as cst
import libcst.matchers as m
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import PositionProvider

import decompose_bridge
from decompose.errors import DecomposeError
from decompose.model import ExtractionPlan
from decompose.serialize import write_text_atomic
from decompose_runtime.names import EVENTS_APP
from decompose_runtime.protocol import BRIDGE_MOUNT
from extractor.bridge import Allowlist, installed_bridge, render_bridge
from extractor.events import FORWARDING_FILE, merge_forwards, read_forwards, render_forwarding
from extractor.plan.pins import for_django, monolith_pins
from extractor.plan.settings import PatchTarget
from extractor.plan.signals import MONOLITH_SIDE
from extractor.requirements_files import edited_files
from extractor.runtime import (
    BRIDGE_REQUIREMENTS,
    MONOLITH_PACKAGES,
    RUNTIME_DISTRIBUTION,
    runtime_requirement,
    vendored_files,
)

BRIDGE_APP = decompose_bridge.__name__
# Services and the gateway's auth_request call the bridge inside the cluster over plain HTTP;
# SECURE_SSL_REDIRECT would answer them with a redirect to https.
REDIRECT_EXEMPT = f"^{BRIDGE_MOUNT}"


class PatchConflict(DecomposeError):
    """The monolith changed since the patch was made; nothing was applied."""


@dataclass(frozen=True)
class FileChange:
    path: str  # relative to the monolith root
    before: str | None  # None: the file is new
    after: str


def monolith_changes(root: Path, record: ExtractionPlan, allowlist: Allowlist,
                     target: PatchTarget, *, vendor_runtime: bool = False
                     ) -> tuple[FileChange, ...]:
    """Every file the patch adds or edits, with its current and its new text.

    A bridge already installed by an earlier extraction keeps what it allowed and the
    services it issues tokens for: both services work side by side afterwards. The bridge app
    comes from decompose-runtime, required or copied in; what it imports (DRF, PyJWT) is added
    to whichever dependency files the monolith keeps, at the releases that serve the Django
    the monolith pins (DRF 3.15.0-3.15.1 for Django 3.2: a newer DRF would upgrade Django)."""
    wanted = for_django(monolith_pins(root).get("django"), BRIDGE_REQUIREMENTS if vendor_runtime
                        else (runtime_requirement(), *BRIDGE_REQUIREMENTS))
    changes = [*(_runtime_copy(root) if vendor_runtime else []),
               *(FileChange(path, before, after) for path, before, after in edited_files(
                   root, wanted, replaced="" if vendor_runtime else RUNTIME_DISTRIBUTION))]
    installed = installed_bridge(root)
    with tempfile.TemporaryDirectory() as folder:
        written = render_bridge(installed.allowlist.union(allowlist),
                                (*installed.services, record.service), Path(folder),
                                (*installed.app_labels, *record.apps))
        for name in written:
            before = _read(root / name)
            after = (Path(folder) / name).read_text(encoding="utf-8")
            if before != after:
                changes.append(FileChange(name, before, after))
    before = _read(root / FORWARDING_FILE)
    forwards = merge_forwards(read_forwards(before, FORWARDING_FILE) if before else (),
                              record.service, record.signals)
    if forwards or before is not None:  # what its relay publishes and its consumer re-sends
        after = render_forwarding(MONOLITH_SIDE, forwards)
        if before != after:
            changes.append(FileChange(FORWARDING_FILE, before, after))
    apps = (BRIDGE_APP, EVENTS_APP) if forwards else (BRIDGE_APP,)
    transformers = ((target.settings, lambda context: AddBridgeApp(context, apps, target)),
                    (target.urlconf, MountBridgeUrls))
    for path, transformer in transformers:
        before = (root / path).read_text(encoding="utf-8")
        context = CodemodContext(filename=path)
        try:
            after = transformer(context).transform_module(cst.parse_module(before)).code
        except cst.ParserSyntaxError as exc:
            raise DecomposeError(f"cannot parse: {exc.message}", path=path,
                                 line=exc.raw_line) from None
        if after != before:
            changes.append(FileChange(path, before, after))
    return tuple(sorted(changes, key=lambda c: c.path))


def _runtime_copy(root: Path) -> list[FileChange]:
    """The runtime's monolith-side packages, copied into the monolith's root."""
    return [FileChange(name, before, text) for name, text in
            vendored_files(MONOLITH_PACKAGES).items()
            if (before := _read(root / name)) != text]


def render_patch(changes: tuple[FileChange, ...]) -> str:
    """A unified diff with ``a/``/``b/`` prefixes (``git apply`` and ``patch -p1`` read it)."""
    chunks = []
    for change in changes:
        old = "/dev/null" if change.before is None else f"a/{change.path}"
        lines = difflib.unified_diff((change.before or "").splitlines(keepends=True),
                                     change.after.splitlines(keepends=True),
                                     fromfile=old, tofile=f"b/{change.path}")
        chunks.append("".join(_terminated(lines)))
    return "".join(chunks)


def apply_changes(root: Path, changes: tuple[FileChange, ...]) -> None:
    """Apply exactly ``changes``; refuse all of them if any file differs from ``before``."""
    for change in changes:
        if _read(root / change.path) != change.before:
            state = "exists" if change.before is None else "changed since the patch was made"
            raise PatchConflict(f"{state}; monolith.patch not applied", path=root / change.path)
    for change in changes:
        write_text_atomic(root / change.path, change.after)


class AddBridgeApp(VisitorBasedCodemodCommand):
    """Append ``"decompose_bridge"`` (and the events app when signals are forwarded) to the
    list graph.json names (LOCAL_APPS or INSTALLED_APPS, at its line) where missing, or add
    them to a computed INSTALLED_APPS after its last change; and exempt the bridge's URLs
    from ``SECURE_SSL_REDIRECT``."""

    DESCRIPTION = "Install the decompose bridge app."
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, context: CodemodContext, apps: tuple[str, ...], target: PatchTarget):
        super().__init__(context)
        self.apps = apps
        self.target = target
        self.done = False
        self.exempt = False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        place = self.get_metadata(PositionProvider, node)
        if self.target.computed and place.start.line <= self.target.line <= place.end.line:
            raise DecomposeError(
                f"{self.target.name} gets its value inside `def {node.name.value}`, where "
                f"the monolith patch cannot add \"{BRIDGE_APP}\" to it safely; assign it at "
                "module level or in the settings class body instead and run `decompose "
                "analyze` again", path=self.target.settings, line=self.target.line)

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        if (not self.target.computed or self.target.owner != original.name.value
                or not isinstance(original.body, cst.IndentedBlock)
                or not isinstance(updated.body, cst.IndentedBlock)):
            return updated
        body = self._added(original.body.body, updated.body.body)
        return updated.with_changes(body=updated.body.with_changes(body=body))

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        if self.target.computed and self.target.owner is None:
            updated = updated.with_changes(body=self._added(original.body, updated.body))
        if not self.done:
            shape = "assignment of" if self.target.computed else "list or tuple"
            raise DecomposeError(f"no {shape} {self.target.name} here (graph.json is "
                                 "older than this file: run `decompose analyze` again)",
                                 path=self.target.settings, line=self.target.line)
        if self.exempt:
            return updated
        statement = cst.parse_statement(f'SECURE_REDIRECT_EXEMPT = [r"{REDIRECT_EXEMPT}"]\n')
        comment = cst.EmptyLine(comment=cst.Comment(
            "# decompose: services call the bridge in-cluster over plain HTTP"))
        return updated.with_changes(body=[*updated.body, statement.with_changes(
            leading_lines=[cst.EmptyLine(), comment])])

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        names = {t.target.value for t in original.targets if isinstance(t.target, cst.Name)}
        if "SECURE_REDIRECT_EXEMPT" in names and isinstance(updated.value, cst.List):
            self.exempt = True
            if REDIRECT_EXEMPT not in cst.Module([]).code_for_node(updated.value):
                return updated.with_changes(value=_append(
                    updated.value, cst.SimpleString(f'r"{REDIRECT_EXEMPT}"')))
            return updated
        line = self.get_metadata(PositionProvider, original).start.line
        if (self.done or self.target.computed or self.target.name not in names
                or line != self.target.line
                or not isinstance(updated.value, cst.List | cst.Tuple)):
            return updated
        self.done = True
        present = {e.value.evaluated_value for e in updated.value.elements
                   if isinstance(e.value, cst.SimpleString)}
        value = updated.value
        for app in self.apps:
            if app not in present:
                value = _append(value, cst.SimpleString(f'"{app}"'))
        return updated.with_changes(value=value)

    def _added(self, originals: Sequence[cst.BaseStatement],
               statements: Sequence[cst.BaseStatement]) -> list[cst.BaseStatement]:
        """``statements`` (the same as ``originals``, edited) with the apps added after the
        last one that changes the computed setting, if that body holds the line it is set
        at: ``+=`` a list where it is known to be one, else a tuple (``+=`` of a tuple
        extends a list too)."""
        found = list(statements)
        spans = [self.get_metadata(PositionProvider, s) for s in originals]
        changes = _Changes(self.target.name)
        last = max((i for i, s in enumerate(originals) if changes.found_in(s)), default=None)
        if last is None or not any(s.start.line <= self.target.line <= s.end.line
                                   for s in spans):
            return found
        self.done = True
        missing = [app for app in self.apps if app not in changes.present]
        if not missing:
            return found
        values = ", ".join(f'"{app}"' for app in missing)
        value = f"[{values}]" if changes.kind == "list" else f"({values},)"
        addition = cst.parse_statement(f"{self.target.name} += {value}\n").with_changes(
            leading_lines=[cst.EmptyLine(comment=cst.Comment(
                f"# decompose: {self.target.name} is computed above; the bridge joins it"))])
        found.insert(last + 1, addition)
        return found
class MountBridgeUrls(VisitorBasedCodemodCommand):
    """Put ``path("_decompose/", include("decompose_bridge.urls"))`` first in urlpatterns."""

    DESCRIPTION = "Mount the decompose bridge URLs."

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        if not any(isinstance(t.target, cst.Name) and t.target.value == "urlpatterns"
                   for t in original.targets) or not isinstance(updated.value, cst.List):
            return updated
        if f"{BRIDGE_APP}.urls" in cst.Module([]).code_for_node(updated.value):
            return updated
        AddImportsVisitor.add_needed_import(self.context, "django.urls", "include")
        AddImportsVisitor.add_needed_import(self.context, "django.urls", "path")
        mount = cst.parse_expression(f'path("{BRIDGE_MOUNT}", include("{BRIDGE_APP}.urls"))')
        elements = list(updated.value.elements)
        first = elements[0] if elements else None
        comma = first.comma if first is not None else cst.MaybeSentinel.DEFAULT
        new = cst.Element(mount, comma=comma)
        return updated.with_changes(value=updated.value.with_changes(elements=[new, *elements]))


class _Changes(cst.CSTVisitor):
    """What a body's statements do to the setting ``name``: whether one sets or changes it
    (assigned, augmented, or mutated by a list method; not inside a nested ``def`` or
    class), the strings it is given, and whether it is a list or a tuple where its
    assignments say so."""

    MUTATORS = frozenset({"append", "extend", "insert", "remove", "pop", "clear", "sort"})

    def __init__(self, name: str) -> None:
        self.name = name
        self.present: set[str] = set()
        self.kinds: dict[str, str | None] = {}
        self.changed = False

    @property
    def kind(self) -> str | None:
        return self.kinds.get(self.name)

    def found_in(self, statement: cst.BaseStatement) -> bool:
        self.changed = False
        statement.visit(self)
        return self.changed

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self.kinds[target.target.value] = _kind(node.value, self.kinds)
                self._note(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.target, cst.Name) and node.value is not None:
            self.kinds[node.target.value] = _kind(node.value, self.kinds)
            self._note(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name):
            self._note(node.target, node.value)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if (isinstance(func, cst.Attribute) and func.attr.value in self.MUTATORS
                and isinstance(func.value, cst.Name)):
            self._note(func.value, node)

    def _note(self, target: cst.Name, value: cst.CSTNode) -> None:
        if target.value != self.name:
            return
        self.changed = True
        self.present |= {string.evaluated_value for string in m.findall(value, m.SimpleString())
                         if isinstance(string, cst.SimpleString)
                         and isinstance(string.evaluated_value, str)}


def _kind(node: cst.BaseExpression, kinds: dict[str, str | None]) -> str | None:
    """"list" or "tuple" where the expression's form says so (a display, a comprehension, a
    conversion, the left or right of a ``+``, a name assigned one before)."""
    if isinstance(node, cst.List | cst.ListComp):
        return "list"
    if isinstance(node, cst.Tuple):
        return "tuple"
    if (isinstance(node, cst.Call) and isinstance(node.func, cst.Name)
            and node.func.value in ("list", "tuple", "sorted")):
        return "list" if node.func.value == "sorted" else node.func.value
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return _kind(node.left, kinds) or _kind(node.right, kinds)
    if isinstance(node, cst.Name):
        return kinds.get(node.value)
    return None


def _append(node: cst.List | cst.Tuple, value: cst.BaseExpression) -> cst.List | cst.Tuple:
    """``node`` with ``value`` last, in the layout of its elements (an empty tuple gets the
    comma that keeps it a tuple)."""
    elements = list(node.elements)
    if not elements:
        comma = cst.Comma() if isinstance(node, cst.Tuple) else cst.MaybeSentinel.DEFAULT
        return node.with_changes(elements=[cst.Element(value, comma=comma)])
    last = elements[-1]
    separator = elements[-2].comma if len(elements) > 1 else cst.Comma(
        whitespace_after=cst.SimpleWhitespace(" "))
    trailing = last.comma
    elements[-1] = last.with_changes(comma=separator)
    elements.append(cst.Element(value, comma=trailing))
    return node.with_changes(elements=elements)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def _terminated(lines):
    for line in lines:
        yield line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
