"""The monolith's settings, read statically, and what of them the service carries over."""

from __future__ import annotations

import ast
import pprint

from decompose.errors import DecomposeError
from decompose.model import Location
from decompose_runtime.names import REMOTE_AWARE_FILTER_BACKEND
from extractor.plan.source import Source, absolute_module

# REST_FRAMEWORK keys copied for API parity; authentication is the service's own (tokens).
DRF_PARITY_KEYS = ("DEFAULT_PERMISSION_CLASSES", "DEFAULT_PAGINATION_CLASS", "PAGE_SIZE",
                   "DEFAULT_FILTER_BACKENDS", "ORDERING_PARAM", "SEARCH_PARAM",
                   "DEFAULT_THROTTLE_CLASSES", "DEFAULT_THROTTLE_RATES", "DATETIME_FORMAT",
                   "COERCE_DECIMAL_TO_STRING", "DEFAULT_VERSIONING_CLASS")
# Backends swapped for ones that understand foreign keys that became id columns.
REPLACED_BACKENDS = {"django_filters.rest_framework.DjangoFilterBackend":
                     REMOTE_AWARE_FILTER_BACKEND.dotted}


# Settings the service decides for itself: moved code reading them gets the service's value.
SERVICE_OWNED = frozenset({"DATABASES", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "INSTALLED_APPS",
                           "MIDDLEWARE", "ROOT_URLCONF", "WSGI_APPLICATION", "TEMPLATES",
                           "CACHES", "LOGGING", "REST_FRAMEWORK", "STATIC_URL", "STATIC_ROOT",
                           "MEDIA_URL", "MEDIA_ROOT", "AUTH_USER_MODEL", "EMAIL_BACKEND",
                           "SESSION_ENGINE", "CSRF_COOKIE_NAME", "LOGIN_URL",
                           "LOGIN_REDIRECT_URL", "DEFAULT_AUTO_FIELD", "USE_TZ", "TIME_ZONE"})


class MonolithSettings:
    """The settings module ``module`` and the modules it star-imports, as literal source."""

    def __init__(self, source: Source, module: str):
        self.source = source
        self.module = module

    def chain(self) -> list[str]:
        """Paths of the settings module and the modules it star-imports, most derived first."""
        chain: list[str] = []
        pending = [self.module]
        while pending:
            module = pending.pop()
            path = self.source.path_of(module)
            if path is None or path in chain:
                continue
            chain.append(path)
            tree = self.source.tree(path)
            for node in tree.body if tree else ():
                if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
                    pending.append(absolute_module(node, module, path.endswith("__init__.py")))
        return chain

    def assignment(self, name: str) -> tuple[str, ast.expr] | None:
        """The file and the value of the assignment to ``name`` that wins: at module level,
        else in a settings class (django-configurations' ``class Dev(Configuration)``)."""
        for path in self.chain():
            tree = self.source.tree(path)
            body = tree.body if tree else []
            classes = [n for n in body if isinstance(n, ast.ClassDef)]
            for node in [*reversed(body), *(s for c in classes for s in reversed(c.body))]:
                if isinstance(node, ast.Assign) and any(
                        isinstance(t, ast.Name) and t.id == name for t in node.targets):
                    return path, node.value
        return None

    def literal(self, name: str) -> object:
        """The value of ``name`` if it is a literal; None if it is not or is not set."""
        found = self.assignment(name)
        try:
            return ast.literal_eval(found[1]) if found else None
        except ValueError:
            return None

    def read_by(self, paths: list[str]) -> tuple[tuple[str, str], ...]:
        """``(NAME, literal)`` of the monolith's own settings that the files at ``paths`` read
        as ``settings.NAME`` (``SHOP_CURRENCY`` in ``core/money.py``): the service carries
        their values. A setting that is not a literal is left to the service's environment."""
        names = set()
        for path in paths:
            tree = self.source.tree(path)
            if tree is None:
                continue
            names |= {node.attr for node in ast.walk(tree) if isinstance(
                node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id == "settings" and node.attr.isupper()}
        found = []
        for name in sorted(names - SERVICE_OWNED):
            value = self.literal(name)
            if value is not None:
                found.append((name, _source(value)))
        return tuple(found)

    def rest_framework(self) -> tuple[tuple[tuple[str, str], ...],
                                      tuple[tuple[str, str, Location], ...]]:
        """The REST_FRAMEWORK keys kept for parity, as (key, repr), and the classes they name,
        as (module, name, location): the service must be able to import those too."""
        found = self.assignment("REST_FRAMEWORK")
        if found is None or not isinstance(found[1], ast.Dict):
            return (), ()
        path, value = found[0], found[1]
        settings, uses = [], []
        for key, item in zip(value.keys, value.values, strict=True):
            if not isinstance(key, ast.Constant) or key.value not in DRF_PARITY_KEYS:
                continue
            try:
                literal = ast.literal_eval(item)
            except ValueError:
                continue
            for dotted in [literal] if isinstance(literal, str) else (
                    literal if isinstance(literal, list) else []):
                if isinstance(dotted, str) and "." in dotted:
                    module, _, name = dotted.rpartition(".")
                    uses.append((module, name, Location(path, item.lineno)))
            if isinstance(literal, list):
                literal = [REPLACED_BACKENDS.get(entry, entry) for entry in literal]
            settings.append((str(key.value), _source(literal)))
        return tuple(settings), tuple(uses)

    def patch_targets(self) -> tuple[str, str]:
        """The module holding the INSTALLED_APPS (or LOCAL_APPS) list or tuple the monolith
        patch edits, and ROOT_URLCONF."""
        for name in ("LOCAL_APPS", "INSTALLED_APPS"):
            found = self.assignment(name)
            if found and isinstance(found[1], ast.List | ast.Tuple):
                settings_path = found[0]
                break
        else:
            found = self.assignment("INSTALLED_APPS")
            raise DecomposeError(
                "INSTALLED_APPS (or LOCAL_APPS) is not a list or tuple literal in the settings "
                "or the modules they star-import; add \"decompose_bridge\" to it by hand and "
                "apply the rest of monolith.patch",
                path=found[0] if found else self.source.path_of(self.module),
                line=found[1].lineno if found else None)
        urlconf = self.literal("ROOT_URLCONF")
        if not isinstance(urlconf, str):
            raise DecomposeError("ROOT_URLCONF is not a string literal", path=settings_path)
        return self.source.module_of(settings_path), urlconf


def _source(value: object) -> str:
    """A literal as Python source, broken across lines where the service's ruff (100 columns,
    the template indents it 4 more) would find it too long."""
    return pprint.pformat(value, width=72, sort_dicts=False)
