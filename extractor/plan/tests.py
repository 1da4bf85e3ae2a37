"""The moved apps' own tests: copied into the service as written, and run there when they
need nothing that stays in the monolith and no library the service does not install; the
others are listed with what they import."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import PurePosixPath

from decompose.model import FileCopy, Level, Location, Rewrite
from extractor.plan.scope import Scope

# Fixtures a service's suite has: pytest's, pytest-django's (the service installs it).
KNOWN_FIXTURES = frozenset({
    "request", "tmp_path", "tmp_path_factory", "tmpdir", "monkeypatch", "capsys", "capfd",
    "caplog", "recwarn", "pytestconfig", "db", "transactional_db", "django_db_reset_sequences",
    "django_db_serialized_rollback", "client", "async_client", "admin_client", "admin_user",
    "rf", "async_rf", "settings", "live_server", "django_user_model",
    "django_username_field", "django_db_setup", "django_db_blocker", "mailoutbox",
    "django_mail_patch_dns", "django_assert_num_queries", "django_assert_max_num_queries",
    "django_capture_on_commit_callbacks"})


def moved_tests(scope: Scope, copied: frozenset[str], *, installed: Callable[[str], bool]
                ) -> tuple[list[FileCopy], tuple[str, ...], tuple[Rewrite, ...]]:
    """The copies, the test modules the service's suite runs, and a note for each one it does
    not: a test that imports an app staying in the monolith reads that app's tables or code,
    which the service has no access to until the test is rewritten against its remote models;
    one importing a module of the project outside the apps that the service does not copy
    (``copied``: paths; kiwi's ``tcms.tests`` factories) would not even import, nor one
    importing a library the service does not install (not ``installed``: tandoor's
    pytest-factoryboy). What the test loads counts as its own imports: the ``conftest.py``
    files pytest imports before it (its folder's and those above it) and the moved test
    modules those import in turn (its factories)."""
    copies, runnable, notes = [], [], []
    for app in scope.moved:
        tests = scope.source.test_files(app.path or "")
        for path in tests:
            copies.append(FileCopy(path, path, "test"))
            test = path.rpartition("/")[2].startswith("test")  # a module pytest runs
            loaded = _loaded_with(scope, path, set(tests)) if test else [path]
            imported = {module for file in loaded
                        for module in scope.source.imports(file, scope.source.module_of(file))}
            stayed = sorted({module for module in imported if _stays(scope, module, copied)})
            missing = sorted({module.split(".")[0] for module in imported
                              if scope.source.path_of(module) is None
                              and not installed(module)}) if test else []
            fixtures = _outside_fixtures(scope.source.tree(path))
            why = "; ".join(
                ([f"imports {', '.join(stayed)} (the monolith's, not the service's)"]
                 if stayed else [])
                + ([f"imports {', '.join(missing)}, which the service does not install "
                    f"(add {'them' if len(missing) > 1 else 'it'} to its test dependencies)"]
                   if missing else [])
                + ([f"uses fixtures of the monolith's conftest: {', '.join(fixtures)}"]
                   if fixtures else []))
            if why:
                notes.append(Rewrite(Location(path, 1), "tests", (
                    f"copied, not run by the service's suite: {why}; rewrite it against the "
                    "service before adding it to testpaths"), Level.WARNING))
            elif test:
                runnable.append(path)
    return copies, tuple(runnable), tuple(notes)


def _loaded_with(scope: Scope, path: str, tests: set[str]) -> list[str]:
    """``path``, the moved ``conftest.py`` files above it, and the moved test modules these
    import, transitively."""
    folders = PurePosixPath(path).parents
    pending = [path] + [c for c in (f"{f}/conftest.py" if str(f) != "." else "conftest.py"
                                    for f in folders) if c in tests]
    loaded: list[str] = []
    while pending:
        current = pending.pop(0)
        if current in loaded:
            continue
        loaded.append(current)
        for module in sorted(scope.source.imports(current, scope.source.module_of(current))):
            found = scope.source.path_of(module)
            if found in tests:
                pending.append(found)
    return loaded


def _stays(scope: Scope, module: str, copied: frozenset[str]) -> bool:
    app = scope.source.app_of(module)
    if app is None:
        path = scope.source.path_of(module)
        return path is not None and path not in copied
    return not app.external and app.label not in scope.moved_labels


def _outside_fixtures(tree: ast.Module | None) -> list[str]:
    """Arguments of the module's test functions that neither it nor pytest(-django) define."""
    if tree is None:
        return []
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    defined = {f.name for f in functions} | KNOWN_FIXTURES
    used = {a.arg for f in functions if f.name.startswith("test")
            for a in f.args.args if a.arg not in ("self", "cls")}
    parametrized = {name.strip() for node in ast.walk(tree) if isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute) and node.func.attr == "parametrize"
                    and node.args for name in _names(node.args[0])}
    return sorted(used - defined - parametrized)


def _names(argnames: ast.expr) -> list[str]:
    """``"a, b"`` or ``("a", "b")``: the argument names a parametrize call gives values."""
    if isinstance(argnames, ast.Constant) and isinstance(argnames.value, str):
        return argnames.value.split(",")
    if isinstance(argnames, ast.Tuple | ast.List):
        return [e.value for e in argnames.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []
