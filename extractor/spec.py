"""What the service templates need to know, and nothing more.

``extractor.plan`` decides which apps move and where their URLs mount; it hands the templates a
``ServiceSpec`` so that every decision stays in Python and the templates only print it. The
constructor normalises and checks the values, so a bad spec fails before any file is rendered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from decompose.errors import DecomposeError
from extractor.runtime import runtime_requirement

# Kubernetes object names are DNS-1123 labels; "-migrate" is the longest suffix we append.
_DNS_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
_MAX_NAME = 63 - len("-migrate")
_MODULE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
# An image reference: [registry[:port]/]name[:tag][@sha256:digest], lowercase name.
_IMAGE = re.compile(r"^[a-z0-9][a-z0-9._/:-]*?(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?"
                    r"(@sha256:[a-f0-9]{64})?$")
_ADMIN_PREFIX = re.compile(r"^([-A-Za-z0-9_.~]+/)+$")
# The apps the service's settings install whatever moves (config/settings/base.py).
SKELETON_APPS = frozenset({"django.contrib.auth", "django.contrib.contenttypes",
                           "django.contrib.admin", "django.contrib.messages", "rest_framework",
                           "drf_spectacular"})
# What the skeleton itself imports, unless the monolith pins other versions (extractor.plan.pins).
SKELETON_REQUIREMENTS = (
    "django>=5.2,<5.3",  # the LTS, when the monolith pins no Django
    "djangorestframework>=3.16,<4",
    "drf-spectacular>=0.28,<1",
    "django-environ>=0.12,<1",
    "gunicorn>=23,<28",
    "prometheus-client>=0.21,<1",
    "psycopg[binary]>=3.2,<4",
    "PyJWT[crypto]>=2.10,<3",
    # decompose_remote's HTTP client to the monolith (pooled connections, explicit timeouts).
    "urllib3>=2.2,<3",
)
# The service's ``test`` extra: what its own suite runs with (the moved tests need no more).
TEST_REQUIREMENTS = (
    "pytest>=8,<10",
    "pytest-django>=4.9,<5",
    "schemathesis>=4,<5",
    "hypothesis>=6.100,<7",
    "ruff>=0.6",
)
# Top-level packages the skeleton itself ships; a moved app must not shadow them.
RESERVED_PACKAGES = frozenset({"config", "ops", "tests"})


class SpecError(DecomposeError):
    """A service spec value cannot be rendered into a working project."""


@dataclass(frozen=True)
class ServiceApp:
    """A Django app moved into the service: its label and the module INSTALLED_APPS names."""

    label: str
    module: str

    def __post_init__(self) -> None:
        if not _MODULE.match(self.module):
            raise SpecError(f"app module {self.module!r} is not a dotted Python module path")
        if self.module.split(".")[0] in RESERVED_PACKAGES:
            raise SpecError(f"app module {self.module!r} would shadow the service's own "
                            f"{self.module.split('.')[0]!r} package")
        if not self.label.isidentifier():
            raise SpecError(f"app label {self.label!r} is not a Python identifier")


@dataclass(frozen=True)
class UrlMount:
    """One ``path(prefix, include(urlconf))`` line of the service's root URLconf."""

    prefix: str
    urlconf: str

    def __post_init__(self) -> None:
        if self.prefix.startswith("/") or (self.prefix and not self.prefix.endswith("/")):
            raise SpecError(f"URL mount prefix {self.prefix!r} must be relative and end with '/' "
                            "(Django path() style, e.g. 'api/')")
        if not _MODULE.match(self.urlconf):
            raise SpecError(f"urlconf {self.urlconf!r} is not a dotted Python module path")


def _import_order(name: str) -> tuple[int, str]:
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


@dataclass(frozen=True, order=True)
class Router:
    """The router class a shared router of the monolith is built with, as the service builds
    its own: DRF's ``SimpleRouter`` for DRF's routers (no API root of its own), else the
    monolith's class (a DRF fork's, copied with the moved code); ``arguments``: the
    constructor's keyword arguments as written (``trailing_slash=False``); ``name_keyword``:
    what ``register`` calls the URL name (``basename``, or an old DRF's ``base_name``)."""

    module: str = "rest_framework.routers"
    name: str = "SimpleRouter"
    arguments: str = ""
    name_keyword: str = "basename"


@dataclass(frozen=True, order=True)
class RoutedView:
    """A moved view the monolith routes from a URLconf that stays (a project-wide DRF router,
    a root ``path()``): the service routes it itself, at the same path. ``viewset``: a
    ``router.register(pattern, ...)`` under ``prefix``; else ``path(prefix + pattern, ...)``."""

    prefix: str
    pattern: str
    view: str  # dotted path of the view function or viewset
    name: str  # the URL name (a router's basename)
    viewset: bool
    call: str = ""  # what follows the view's name: ``.as_view()``, a factory's ``(404)``
    router: Router = Router()  # for a viewset: the router it is registered on

    @property
    def module(self) -> str:
        return self.view.rpartition(".")[0]

    @property
    def attribute(self) -> str:
        return self.view.rpartition(".")[2]


@dataclass(frozen=True)
class CarriedSetting:
    """A setting of the monolith the moved code reads: ``source`` is the Python expression
    the service's settings assign it. One read from the environment names its ``variable``,
    the monolith's ``default`` (Python; "" when the service requires the variable), and the
    monolith's ``expression`` at ``origin`` (``path:line``); a required one, the
    ``placeholder`` it holds in the test settings only; ``reader`` is the django-environ
    call ``source`` reads it with (``env.list``)."""

    name: str
    source: str
    variable: str = ""
    default: str = ""
    origin: str = ""
    expression: str = ""
    placeholder: str | None = None
    reader: str = ""


@dataclass(frozen=True)
class ServiceSpec:
    """A standalone service to render: its name, moved apps, URLs and deployment defaults.

    ``routes`` are the public path prefixes a proxy sends to the service ("/api/orders/");
    ``mounts`` are how the service's own URLconf includes the moved apps' urlconfs.
    """

    name: str
    apps: tuple[ServiceApp, ...]
    mounts: tuple[UrlMount, ...]
    routes: tuple[str, ...]
    routed_views: tuple[RoutedView, ...] = ()
    # The moved apps' own test modules the service's suite runs, beside its tests/.
    test_paths: tuple[str, ...] = ()
    # The monolith's data migrations replayed on the test database first (copied modules).
    data_migrations: tuple[str, ...] = ()
    port: int = 8000
    host_port: int = 8001
    monolith_url: str = "http://monolith:8000"
    # The monolith's own image: its events relay and consumer run it (manage.py at its workdir).
    monolith_image: str = "monolith:latest"
    image: str = ""
    version: str = "0.1.0"
    title: str = field(default="")
    # The monolith's DEFAULT_AUTO_FIELD: implicit primary keys must keep their column type.
    default_auto_field: str = "django.db.models.BigAutoField"
    # The monolith's locale, where its settings state it: dates, numbers and the admin's
    # <html lang> render as they did there.
    time_zone: str = "UTC"
    language_code: str = "en-us"
    use_i18n: bool = True
    use_tz: bool = True
    # Each request's language negotiated as the monolith does (its LocaleMiddleware), among
    # its LANGUAGES (code, name) where its settings state them.
    locale_middleware: bool = False
    languages: tuple[tuple[str, str], ...] = ()
    # What the moved code needs beyond the skeleton (read from the monolith by extractor.plan):
    third_party_apps: tuple[str, ...] = ()  # e.g. "django_filters"
    # Those of them installed before the admin, in the monolith's order: its admin skin.
    admin_skins: tuple[str, ...] = ()  # e.g. "grappelli"
    # The monolith's middleware the service runs (extractor.plan.middleware): what shapes the
    # responses ("django_minify_html.middleware.MinifyHtmlMiddleware"), and that of those apps
    # ("allauth.account.middleware.AccountMiddleware").
    middleware: tuple[str, ...] = ()
    # Those of them that are the moved apps' (Tandoor's ScopeMiddleware): the skeleton's own
    # tests of the token's user run without them, which need the project's data.
    moved_middleware: tuple[str, ...] = ()
    # The monolith's own middleware the bridge runs for each request, in its order, with the
    # request attributes the moved code reads of what it sets (extractor.plan.request_state).
    request_state: tuple[tuple[str, tuple[str, ...]], ...] = ()
    rest_framework: tuple[tuple[str, str], ...] = ()  # REST_FRAMEWORK key, Python literal
    # The exception handler of the monolith's own DRF fork, for the fork's views (taiga's).
    fork_exception_handler: str = ""
    # The monolith has no DRF: the moved views are its own fork's, which renders them itself.
    drf_fork: bool = False
    # The monolith's modules copied unchanged (its shared kernel): linted where they are written.
    verbatim: tuple[str, ...] = ()
    # The service's dependencies: the skeleton's and those apps', at the monolith's pins.
    dependencies: tuple[str, ...] = SKELETON_REQUIREMENTS
    test_dependencies: tuple[str, ...] = TEST_REQUIREMENTS
    admin_prefix: str = "admin/"  # where the monolith mounts Django's admin; the service's too
    # What moved server-rendered pages need: {% load %} libraries of apps that stay (name,
    # module), the monolith's pages they link to per URL namespace ("" for none: (path, name)),
    # and the monolith's LOGIN_URL / LOGIN_REDIRECT_URL.
    template_libraries: tuple[tuple[str, str], ...] = ()
    # The monolith's context processors and builtin tag libraries the service has the modules
    # of (Django's, the moved apps'), beyond the skeleton's.
    context_processors: tuple[str, ...] = ()
    template_builtins: tuple[str, ...] = ()
    monolith_pages: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    # The monolith root URLconf's error views the service has ("handler500", dotted view):
    # Django's defaults answer the other errors, with the project's error templates.
    error_handlers: tuple[tuple[str, str], ...] = ()
    login_url: str = ""
    login_redirect_url: str = ""
    static_url: str = "/static/"  # the monolith's, which serves the static files
    # The monolith's static files storage where not Django's plain one (a manifest storage's
    # hashed names), read with the monolith's collected manifest: "" for the plain one.
    static_storage: str = ""
    # The monolith's drf-spectacular ENUM_NAME_OVERRIDES the service can import (component
    # name, dotted path of its choices), so its schema names the enums as the monolith's does.
    enum_name_overrides: tuple[tuple[str, str], ...] = ()
    # Where the moved code signs with SECRET_KEY ("path:line"): the service runs with the
    # monolith's, so each side verifies what the other signs; "" for a key of its own.
    shared_secret_key: str = ""
    # The monolith's own settings the moved code reads, as the service's settings set them.
    monolith_settings: tuple[CarriedSetting, ...] = ()
    # Signals cross to or from the monolith as events: the events app, relay and consumer run.
    events: bool = False
    # The project's Python ("3.12"): requires-python, the image, CI and ruff's target.
    python_version: str = "3.11"
    # The pip requirement on decompose-runtime; "" when the runtime is vendored into the service.
    runtime_requirement: str = runtime_requirement()
    # drf-spectacular's warnings on the moved code, allowed at extraction (extract
    # --schema-warnings allow): the service's schema checks run without --fail-on-warn and say
    # why, naming them. Known once the schema is made, so the skeleton is rendered again.
    schema_warnings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not _DNS_LABEL.match(self.name) or len(self.name) > _MAX_NAME:
            raise SpecError(f"service name {self.name!r} must be a lowercase DNS label "
                            f"(a-z, 0-9, '-') of at most {_MAX_NAME} characters")
        if not self.apps:
            raise SpecError("a service needs at least one app")
        labels = [app.label for app in self.apps]
        if len(set(labels)) != len(labels):
            raise SpecError(f"duplicate app labels in {labels}")
        for route in self.routes:
            if not (route.startswith("/") and route.endswith("/")):
                raise SpecError(f"route {route!r} must start and end with '/'")
        if not _ADMIN_PREFIX.match(self.admin_prefix):
            raise SpecError(f"admin prefix {self.admin_prefix!r} must be a relative path "
                            "ending in '/'")
        for port in (self.port, self.host_port):
            if not 1 <= port <= 65535:
                raise SpecError(f"port {port} is out of range")
        if not _MODULE.match(self.default_auto_field):
            raise SpecError(f"DEFAULT_AUTO_FIELD {self.default_auto_field!r} is not a dotted path")
        if not _IMAGE.match(self.monolith_image):
            raise SpecError(f"monolith image {self.monolith_image!r} is not an image reference "
                            "(registry/name:tag or name@sha256:...)")
        if not re.fullmatch(r"3\.\d+", self.python_version):
            raise SpecError(f"Python version {self.python_version!r} is not 3.X")
        if not self.monolith_url.startswith(("http://", "https://")):
            raise SpecError(f"monolith URL {self.monolith_url!r} must be http(s)://")
        object.__setattr__(self, "apps", tuple(sorted(self.apps, key=lambda a: a.label)))
        object.__setattr__(self, "mounts", tuple(self.mounts))
        object.__setattr__(self, "routes", tuple(sorted(set(self.routes))))
        object.__setattr__(self, "monolith_url", self.monolith_url.rstrip("/"))
        for module in (*self.third_party_apps, *self.admin_skins, *self.middleware,
                       *self.moved_middleware):
            if not _MODULE.match(module):
                raise SpecError(f"module {module!r} is not a dotted Python path")
        object.__setattr__(self, "third_party_apps", tuple(sorted(set(self.third_party_apps))))
        if not self.image:
            object.__setattr__(self, "image", f"{self.name}:{self.version}")
        if not self.title:
            object.__setattr__(self, "title", self.name.replace("-", " ").title())

    @property
    def routers(self) -> tuple[tuple[str, tuple[RoutedView, ...]], ...]:
        """The routed viewsets by the prefix their router is mounted at."""
        prefixes = sorted({v.prefix for v in self.routed_views if v.viewset})
        return tuple((p, tuple(v for v in self.routed_views if v.viewset and v.prefix == p))
                     for p in prefixes)

    @property
    def reads_command_line(self) -> bool:
        """Whether a carried setting tests the command line (``sys.argv``), so the settings
        import ``sys``."""
        return any("sys.argv" in setting.source for setting in self.monolith_settings)

    @property
    def includes(self) -> bool:
        """Whether the root URLconf includes another (a moved urlconf, a router, a namespace
        of monolith pages), so imports ``include``."""
        return bool(self.mounts or self.routers or any(ns for ns, _ in self.monolith_pages))

    @property
    def regex_pages(self) -> bool:
        """Whether a monolith page is listed by its regular expression (imports re_path)."""
        return any(page.startswith("^") for _, pages in self.monolith_pages for page, _ in pages)

    @property
    def drf_router(self) -> bool:
        """Whether a router of the service is DRF's (its root URLconf imports SimpleRouter)."""
        return any(v.viewset and v.router.module == Router.module for v in self.routed_views)

    @property
    def view_imports(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(module, names) the root URLconf imports for ``routed_views``, sorted the way the
        service's ruff (isort, order by type) wants: constants, classes, then functions."""
        names = {(v.module, v.attribute) for v in self.routed_views} | {
            (v.router.module, v.router.name) for v in self.routed_views
            if v.viewset and v.router.module != Router.module}
        return tuple((m, tuple(sorted({n for module, n in names if module == m},
                                      key=_import_order))) for m in sorted({m for m, _ in names}))

    @property
    def python_name(self) -> str:
        """The service name as a Python/SQL identifier (database name, project name)."""
        return self.name.replace("-", "_")
