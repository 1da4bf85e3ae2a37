"""``decompose extract --apply`` on the leaf apps of real monoliths, proven by running them.

For the team's own checks, like benchmarks/github_corpus.py (same projects, same checkouts from
the ``fetch`` mirrors, same ``.venv-corpora/gh-<name>`` environments), plus this repository's
``sample_monolith`` as the control project (its ``orders`` and ``reviews``). Per project: a fresh
checkout is analysed with ``--python`` of its environment; every *leaf* app is extracted with
``--apply`` into its own copy of the checkout. A leaf app is an app of the project (not
third-party) with at least one concrete model and at least one URL routed to its views, whose
models no model of another of the project's apps points to (no inbound foreign key, one-to-one
or many-to-many), and that does not hold the user model. Those are the apps the proposal would
move first; extracting any other drags its dependants' foreign keys across the boundary.
``--app`` narrows the apps to those named, and takes an app that is no leaf when named (a
views-only app such as pretalx's ``api``, whose models all stay).

For each service written, on one throwaway PostgreSQL cluster (a database per step):
1. the service's environment is built from its own lock (``uv sync --locked``), and its suite
   runs there;
2. the monolith's own suite runs before the patch (once per checkout) and after it, with the
   same command, in ``m-<name>``: the monolith's environment plus what the patch adds to its
   requirements; the counts must be equal (the selection run is printed: the project's default
   subset, ``--monolith-tests full`` or given paths);
3. the patched monolith is migrated and given data by the project's own seeding (its fixtures,
   factories or seed command), then it and the service run under gunicorn side by side (the
   service given the monolith's own values of the settings it reads from the environment,
   ``benchmarks/monolith_values.py``); each
   moved GET route (the service's OpenAPI GET paths and its parameterless mounts, detail routes
   filled with ids of existing rows) is asked of both as a signed-in superuser (the monolith's
   session; the service's token exchanged for it by the bridge), and status and normalised
   body compared.
How each project runs its suite, seeds its data and is served is the ``RECIPES`` table.

Prints one row per attempt as it goes, then a Markdown table and a summary: attempts, services
written, service suites green, monolith suites equal, services serving all their moved routes,
and every refusal's one line.

decompose runs here from ``.venv-corpora/x-<name>``: a venv that sees the project's packages
(a ``.pth`` onto ``gh-<name>``) plus decompose and decompose-runtime.

    python benchmarks/extract_corpus.py --keep /tmp/extract-corpus       # every project
    python benchmarks/extract_corpus.py --only sample_monolith --monolith-tests full
    python benchmarks/extract_corpus.py --only kiwi --suite-time         # the full suite's time
    python benchmarks/extract_corpus.py --only taiga --monolith-only     # its recipe, no service
    python benchmarks/extract_corpus.py --only pretalx --app api         # an app that is no leaf
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import psycopg  # noqa: E402

from benchmarks.corpus import PROJECTS, VENVS, Project, environment, export, pip_install  # noqa: E402
from benchmarks.monolith_suite import (  # noqa: E402
    SuiteChange,
    SuiteRun,
    compare,
    run_suite,
)
from benchmarks.monolith_values import (  # noqa: E402
    READ_SETTINGS,
    service_values,
    settings_to_read,
)
from benchmarks.side_by_side import (  # noqa: E402
    PROOF_EMAIL,
    PROOF_USER,
    PUBLIC_HOST,
    SIGN_IN,
    RouteComparison,
    Server,
    compare_routes,
    gunicorn,
    moved_get_paths,
    service_token,
)
from extractor.requirements_files import is_declaration  # noqa: E402
from tests.support.keys import key_pair  # noqa: E402
from tests.support.postgres import temporary_postgres  # noqa: E402
from tests.support.processes import clean_env  # noqa: E402
from tests.support.redis import temporary_redis  # noqa: E402

EXTRACT_TIMEOUT = 900
SUITE_TIMEOUT = 900  # the service's suite
STEP_TIMEOUT = 600  # one environment build, migrate or seed command
CONTROL = Project("sample_monolith", "", ".", "config.settings.test",
                  ("-r", "{src}/requirements.txt"))


@dataclass(frozen=True)
class Recipe:
    """How a project runs its own suite, makes data and is served: what its README, Makefile or
    CI says. Placeholders: {database_url} {db_host} {db_port} {db_name} (a fresh database on
    the throwaway cluster), {app} (the moved app's label), {secret}, {host}, {redis_url} (with
    ``redis``)."""

    tests: tuple[str, ...]  # after the interpreter, run in tests_cwd; the selection is appended
    tests_cwd: str = "."  # relative to the project root (manage.py's folder)
    test_install: tuple[str, ...] = ()  # pip arguments for its test tools ("{src}": checkout)
    build: str = ""  # a shell command run once in the fresh checkout (its CI's asset build)
    files: tuple[tuple[str, str], ...] = ()  # (path, text) written into the fresh checkout:
    # settings a deployment adds where the project reads no environment variable
    subset: tuple[str, ...] = ()  # the default selection; () runs the full suite
    app_subsets: tuple[tuple[str, str], ...] = ()  # (app, "its tests"): instead of subset
    env: tuple[tuple[str, str], ...] = ()  # for the suite, manage.py and the served monolith
    serve_env: tuple[tuple[str, str], ...] = ()  # on top, for the served monolith only
    seed: tuple[tuple[str, ...], ...] = ()  # manage.py commands creating data, after migrate
    # (and what its deployment runs before serving)
    wsgi: str = "config.wsgi:application"
    shell: tuple[str, ...] = ("shell",)  # its manage.py shell (pretalx scopes it by event)
    apps: tuple[str, ...] = ()  # extract these instead of the leaf apps (the control project)
    pages: tuple[tuple[str, str], ...] = ()  # (app, GET path) a signed-in superuser gets 200 on
    # (app, shell code printing an Authorization header value for the signed-in superuser):
    # its routes are asked with those credentials instead of the session, on both sides (the
    # service's token exchanged for them), as a client of an API taking tokens only asks them
    api_credentials: tuple[tuple[str, str], ...] = ()
    database_sql: tuple[str, ...] = ()  # run once on the cluster (roles the settings name)
    suite_timeout: int = 1800
    redis: bool = False  # served with a throwaway Redis ({redis_url}): its cache and sessions
    # The settings module analysed, which the service mirrors: the one it is served with where
    # the project's default (benchmarks/corpus.py) differs in what the moved pages print
    # (kiwi's devel sets ANONYMOUS_ANALYTICS = False, its product computes it: True served).
    analysed_settings: str = ""
    # Arguments added to ``decompose extract``: a choice the team makes, named in the outcome
    # (tandoor's own code has drf-spectacular warnings: ``--schema-warnings allow``).
    extract_args: tuple[str, ...] = ()


PYTEST = ("-m", "pytest", "-q", "-p", "no:cacheprovider")
# taiga's tests of each leaf app (under tests/, without .py): its tests are named by feature
TAIGA_TESTS = (
    ("contact", "integration/test_contact integration/resources_permissions/test_contact"),
    ("external_apps", "integration/test_application_tokens "
                      "integration/resources_permissions/test_application_tokens_resources"),
    ("references", "integration/test_references_sequences "
                   "integration/resources_permissions/test_resolver_resources"),
    ("settings", "integration/test_project_settings"),
    ("userstorage", "integration/test_userstorage_api "
                    "integration/resources_permissions/test_storage_resources"),
    ("notifications", "integration/test_notifications integration/test_notifications_custom "
                      "unit/test_notifications_squashing"),
    ("webhooks", "integration/test_webhooks integration/test_webhook_serializers "
                 "integration/test_webhooks_signals "
                 "integration/resources_permissions/test_webhooks_resources"),
    ("timeline", "integration/test_timeline unit/test_timeline "
                 "integration/resources_permissions/test_timelines_resources"),
    ("custom_attributes", " ".join(
        f"integration/test_custom_attributes_{kind} integration/resources_permissions/"
        f"test_{resource}_custom_attributes_resource" for kind, resource in (
            ("epics", "epics"), ("issues", "issues"), ("tasks", "tasks"),
            ("user_stories", "userstories")))),
    ("wiki", "integration/test_wikilinks integration/test_watch_wikipages "
             "integration/resources_permissions/test_wiki_resources"),
)
# Read from each project's own CI, Makefile and Dockerfile. Only sample_monolith's recipe is
# proven end to end today; the corpus ones are proven on the monolith's side (--monolith-only).
RECIPES = {
    "sample_monolith": Recipe(
        PYTEST, env=(("DATABASE_URL", "{database_url}"),),
        serve_env=(("DJANGO_SETTINGS_MODULE", "config.settings.production"),
                   ("DJANGO_SECRET_KEY", "{secret}"), ("DJANGO_ALLOWED_HOSTS", "{host}")),
        seed=(("seed_demo",),), apps=("orders", "reviews"),
        pages=(("orders", "/api/orders/"), ("reviews", "/api/reviews/"))),
    "pretalx": Recipe(
        (*PYTEST, "-o", "addopts="), tests_cwd="..", subset=("src/tests/{app}",),
        test_install=("pytest", "pytest-django", "pytest-mock", "pytest-xdist", "factory_boy",
                      "freezegun", "jsonschema", "drf-spectacular", "polib", "requests",
                      "psycopg2-binary~=2.9.0"),  # its tests import; its postgres extra
        serve_env=(("DJANGO_SETTINGS_MODULE", "pretalx.settings"),
                   ("PRETALX_DB_TYPE", "postgresql"), ("PRETALX_DB_NAME", "{db_name}"),
                   ("PRETALX_DB_USER", "postgres"), ("PRETALX_DB_HOST", "{db_host}"),
                   ("PRETALX_DB_PORT", "{db_port}"),
                   ("PRETALX_SITE_URL", f"https://{PUBLIC_HOST}"),
                   ("PRETALX_REDIS", "{redis_url}")), redis=True,  # its cache and sessions
        seed=(("rebuild", "--npm-install", "--silent"),  # its static build, as deployed
              # create_test_event builds nothing without an administrator, whom it makes a
              # member of the event's team: the signed-in user, so its API lists the event
              ("shell", "--unsafe-disable-scopes", "-c",
               "from pretalx.person.models import User\n"
               f"User.objects.create_superuser(password='-', email={PROOF_EMAIL!r})"),
              ("create_test_event",)), wsgi="pretalx.wsgi:application",
        shell=("shell", "--unsafe-disable-scopes"),
        pages=(("common", "/redirect/?url=https%3A%2F%2Fexample.org%2F"),),
        api_credentials=(("api", "\n".join((  # its API takes its own tokens only
            "from pretalx.person.models import User, UserApiToken",
            "from pretalx.person.models.auth_token import ENDPOINTS, READ_PERMISSIONS",
            f"user = User.objects.get(email={PROOF_EMAIL!r})",
            "token = UserApiToken.objects.create(user=user, name='decompose', all_events=True,"
            " endpoints={name: list(READ_PERMISSIONS) for name in ENDPOINTS})",
            "print('Token ' + token.token)"))),)),
    "kiwi": Recipe(
        ("manage.py", "test", "--noinput", "--settings=tcms.settings.test"),
        subset=("tcms.{app}",), test_install=("-r", "{src}/requirements/postgres.txt"),
        build="cd tcms && npm ci --no-audit --no-fund && ./node_modules/.bin/webpack",
        env=(("LANG", "en_US.UTF-8"),),  # its LANGUAGE_CODE
        serve_env=(("DJANGO_SETTINGS_MODULE", "tcms.settings.product"),
                   ("KIWI_DB_ENGINE", "django.db.backends.postgresql"),
                   ("KIWI_DB_NAME", "{db_name}"), ("KIWI_DB_USER", "postgres"),
                   ("KIWI_DB_HOST", "{db_host}"), ("KIWI_DB_PORT", "{db_port}")),
        seed=(("shell", "-c", "\n".join((
            "from tcms.bugs.tests.factory import BugFactory",
            "from tcms.kiwi_auth.models import UserActivationKey",
            "from tcms.tests.factories import TestExecutionFactory, UserFactory",
            "for _ in range(3): TestExecutionFactory(), BugFactory()",
            "UserActivationKey.set_random_key_for_user(UserFactory())"))),),
        wsgi="tcms.wsgi:application", analysed_settings="tcms.settings.product",
        pages=(("bugs", "/bugs/search/"), ("kiwi_auth", "/accounts/passwordreset/"))),
    "taiga": Recipe(
        (*PYTEST, "--ds=tests.corpus_config"), subset=("tests/unit",),
        env=(("PGPORT", "{db_port}"),),
        app_subsets=tuple((app, " ".join(f"tests/{test}.py" for test in tests.split()))
                          for app, tests in TAIGA_TESTS),
        test_install=("-r", "{src}/requirements-devel.txt"),
        build="cp docker/config.py settings/config.py",  # what its Dockerfile serves with
        files=(("tests/corpus_config.py",  # its test settings name port 5432
                "import os\nfrom tests.config import *  # noqa\n"
                "DATABASES['default']['PORT'] = os.environ['PGPORT']\n"),
               ("settings/corpus_serve.py",  # its protected storage is only on GitHub
                "from .config import *  # noqa\nDEFAULT_FILE_STORAGE = "
                "THUMBNAIL_DEFAULT_STORAGE = 'django.core.files.storage.FileSystemStorage'\n")),
        serve_env=(("DJANGO_SETTINGS_MODULE", "settings.corpus_serve"),
                   ("POSTGRES_DB", "{db_name}"),
                   ("POSTGRES_USER", "postgres"), ("POSTGRES_HOST", "{db_host}"),
                   ("POSTGRES_PORT", "{db_port}"), ("TAIGA_SECRET_KEY", "{secret}"),
                   ("TAIGA_SITES_SCHEME", "https"), ("TAIGA_SITES_DOMAIN", PUBLIC_HOST),
                   ("CELERY_ENABLED", "False"),
                   ("EVENTS_PUSH_BACKEND_URL", "amqp://guest:guest@127.0.0.1:9/taiga")),
        seed=(("loaddata", "initial_user"), ("loaddata", "initial_project_templates"),
              ("sample_data",),  # its docs' order: sample_data needs the superuser
              ("shell", "-c", "\n".join((  # rows sample_data leaves out, the signed-in user's
                  "from django.contrib.auth import get_user_model",
                  "from taiga.projects.models import Project",
                  "from tests.factories import (ApplicationTokenFactory, MembershipFactory,",
                  "    StorageEntryFactory, WebhookLogFactory)",
                  "user = get_user_model().objects.create_superuser(",
                  f"    username='{PROOF_USER}', email='{PROOF_EMAIL}', password='-')",
                  "project = Project.objects.order_by('id').first()",
                  "MembershipFactory(user=user, project=project, is_admin=True,",
                  "                  role=project.roles.order_by('id').first())",
                  "for _ in range(3):",
                  "    StorageEntryFactory(owner=user), ApplicationTokenFactory(user=user)",
                  "    WebhookLogFactory(webhook__project=project)")))),
        wsgi="taiga.wsgi:application",
        pages=(("contact", "/api/v1/contact"), ("external_apps", "/api/v1/application-tokens"),
               ("references", "/api/v1/resolver?project=project-0"),
               ("settings", "/api/v1/user-project-settings"),
               ("userstorage", "/api/v1/user-storage"),
               ("notifications", "/api/v1/notify-policies"), ("webhooks", "/api/v1/webhooks"),
               ("timeline", "/api/v1/timeline/user/1"),
               ("custom_attributes", "/api/v1/epic-custom-attributes"),
               ("wiki", "/api/v1/wiki-links")),
        database_sql=("CREATE ROLE taiga LOGIN SUPERUSER PASSWORD 'taiga'",
                      "CREATE DATABASE taiga OWNER taiga")),
    "tandoor": Recipe(
        (*PYTEST, "-o", "addopts="), subset=("cookbook/tests/other",),  # SQLite, as its CI
        env=(("SECRET_KEY", "corpus"),),
        serve_env=(("DJANGO_SETTINGS_MODULE", "recipes.settings"), ("DEBUG", "0"),
                   ("DATABASE_URL", "{database_url}"), ("ALLOWED_HOSTS", "{host}")),
        seed=(("seed_basic_data",),), wsgi="recipes.wsgi:application",
        pages=(("cookbook", "/api/food/"),),
        # Its own `manage.py spectacular --fail-on-warn` fails: two @api_views without a schema,
        # a serializer method without a type hint.
        extract_args=("--schema-warnings", "allow")),
    "nautobot": Recipe(
        ("-m", "nautobot.core.cli", "--config=nautobot/core/tests/nautobot_config.py", "test",
         "--noinput"), subset=("nautobot.{app}.tests",),
        env=(("NAUTOBOT_DB_HOST", "{db_host}"), ("NAUTOBOT_DB_PORT", "{db_port}"),
             ("NAUTOBOT_DB_USER", "postgres"), ("NAUTOBOT_DB_NAME", "{db_name}"),
             ("NAUTOBOT_DB_PASSWORD", "")),
        wsgi="nautobot.core.wsgi:application"),
}


@dataclass(frozen=True)
class Checks:
    """What a written service proved; "-" where a step was not reached."""

    suite: str = "-"  # the service's own suite
    before: SuiteRun | None = None  # the monolith's suite on the checkout
    after: SuiteRun | None = None  # the same command on the patched copy
    routes: RouteComparison | None = None
    stopped: str = "-"  # the step that could not run, and why

    @property
    def suite_green(self) -> bool:
        return " passed" in self.suite and not self.suite.startswith(("FAILED", "timed out"))

    @property
    def suites_equal(self) -> bool:
        return (self.before is not None and self.after is not None
                and self.before.counts is not None and self.before.counts == self.after.counts
                and (self.change is None or self.change.unchanged))

    @property
    def change(self) -> SuiteChange | None:
        """Test by test, when both runs recorded outcomes (pytest)."""
        return compare(self.before, self.after) if self.before and self.after else None

    @property
    def suite_verdict(self) -> str:
        """"equal"; "unchanged" when the counts differ only by added tests that pass (every
        test of the checkout gives the same result); else "DIFFERENT" with what changed."""
        if self.suites_equal:
            return "equal"
        change = self.change
        if change is not None and change.unchanged:
            return f"unchanged: {change}"
        return f"DIFFERENT: {change}" if change is not None else "DIFFERENT"

    @property
    def serves_all(self) -> bool:
        return bool(self.routes and self.routes.equal and not self.routes.different)


@dataclass(frozen=True)
class Attempt:
    project: str
    app: str
    outcome: str  # "service written", "refused: ...", "traceback: ..." (+ the extract args)
    monolith: str = "patched"  # after a refusal: whether the copy is still the checkout
    checks: Checks = field(default_factory=Checks)

    @property
    def written(self) -> bool:
        return self.outcome.startswith("service written")


@dataclass(frozen=True)
class Cluster:
    """The throwaway PostgreSQL: a fresh database per step, named after it."""

    url: str

    def database(self, name: str) -> str:
        with psycopg.connect(self.url, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}"')
            db.execute(f'CREATE DATABASE "{name}"')
        return self.url.rsplit("/", 1)[0] + "/" + name

    def execute(self, statements: tuple[str, ...]) -> None:
        with psycopg.connect(self.url, autocommit=True) as db:
            for statement in statements:
                db.execute(statement)


@dataclass(frozen=True)
class Monolith:
    """One project's checkout and how to run it: what every step of an attempt shares."""

    project: Project
    recipe: Recipe
    checkout: Path
    python: Path  # the project's own environment (gh-<name>)
    cluster: Cluster
    selection: tuple[str, ...] | None  # --monolith-tests: None for the recipe's subset


def leaf_apps(graph: dict) -> list[str]:
    """The project's apps with concrete models and routed views that nothing else points to."""
    own = {app["label"] for app in graph["apps"] if not app["external"]}
    app_of = {model["label"]: model["app"] for model in graph["models"]}
    with_models = {model["app"] for model in graph["models"] if not model["abstract"]}
    routed = {route["app"] for route in graph["urls"] if route.get("app")}
    pointed_to = {app_of[relation["target"]] for model in graph["models"]
                  for relation in model["relations"]
                  if app_of.get(relation["target"], model["app"]) != model["app"]
                  and model["app"] in own}
    user_app = graph.get("user_model", "auth.User").split(".")[0]
    return sorted((own & with_models & routed) - pointed_to - {user_app})


def chosen_apps(recipe: Recipe, graph: dict, only_apps: list[str] | None) -> list[str]:
    """The recipe's apps or the leaf apps; ``--app`` narrows them, or names an app of the
    project that is no leaf (one that others point to, or a views-only app) to extract it
    all the same."""
    default = list(recipe.apps) or leaf_apps(graph)
    if not only_apps:
        return default
    own = {app["label"] for app in graph["apps"] if not app["external"]}
    return [app for app in dict.fromkeys(only_apps) if app in default or app in own]


def site_packages(python: Path) -> str:
    ask = "import site; print(site.getsitepackages()[0])"
    return subprocess.run([str(python), "-c", ask], capture_output=True, text=True,
                          check=True).stdout.strip()


def layered_venv(name: str, python: Path, packages: list[str]) -> Path:
    """``.venv-corpora/<name>``: sees ``python``'s packages (a .pth onto its site-packages),
    with ``packages`` installed on top; rebuilt when the list changes. Its bin folder."""
    venv = VENVS / name
    marker = venv / ".installed"
    wanted = "\n".join(packages) + "\n"
    if not marker.exists() or marker.read_text() != wanted:
        base = subprocess.run([str(python), "-c", "import sys; print(sys._base_executable)"],
                              capture_output=True, text=True, check=True).stdout.strip()
        subprocess.run([base, "-m", "venv", "--clear", str(venv)], check=True)
        Path(site_packages(venv / "bin" / "python"), "_project.pth").write_text(
            site_packages(python) + "\n")
        pip_install(venv / "bin" / "python", packages)
        marker.write_text(wanted)
    return venv / "bin"


def extraction_environment(project: Project, python: Path) -> Path:
    """``x-<name>``: the project's packages plus decompose and decompose-runtime."""
    return layered_venv(f"x-{project.name}", python,
                        ["-e", str(REPO / "runtime"), "-e", str(REPO)])


def patched_environment(project: Project, python: Path, patch: Path) -> Path:
    """``m-<name>``: the monolith's environment plus what ``monolith.patch`` adds to its
    requirements (decompose-runtime from this repository) and gunicorn to serve it."""
    return layered_venv(f"m-{project.name}", python,
                        [*bridge_requirements(patch.read_text()), "gunicorn"])


def bridge_requirements(patch: str) -> list[str]:
    """The requirement lines the patch adds to the declaration files extract edits
    (``extractor.requirements_files``: requirements/base.txt as much as requirements.txt)."""
    added, current = [], ""
    for line in patch.splitlines():
        if line.startswith("+++ "):
            current = line[4:].strip().removeprefix("b/")
        elif not line.startswith("+") or not is_declaration(current):
            continue
        elif current.endswith(".txt"):
            text = line[1:].split("#", 1)[0].strip()
            added += [text] if text and not text.startswith("-") else []
        elif current.removeprefix("../") in ("pyproject.toml", "Pipfile"):
            quoted = re.fullmatch(r'\s*"([^"]+)",?\s*', line[1:])
            added += [quoted.group(1)] if quoted else []
    return [f"-e{REPO / 'runtime'}" if re.match(r"decompose[-_]runtime\b", item) else item
            for item in added]


def one_line(stderr: str) -> str:
    """The refusal's own line, or the traceback's last line."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    if any(line.startswith("Traceback") for line in lines):
        return "traceback: " + lines[-1]
    errors = [line for line in lines if line.lower().startswith("error")]
    return "refused: " + (errors or lines or ["(no message)"])[0].split(":", 1)[-1].strip()


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower())


def base_env(bin_dir: Path, **values: str) -> dict[str, str]:
    """This process's environment (certificates, index settings) without its Django, pytest,
    decompose or virtualenv settings, ``bin_dir`` first on PATH."""
    env = clean_env(PATH=f"{bin_dir}:{os.environ.get('PATH', '/usr/bin:/bin')}",
                    PYTHONDONTWRITEBYTECODE="1", **values)
    env.pop("VIRTUAL_ENV", None)
    return env


def recipe_env(pairs: tuple[tuple[str, str], ...], database_url: str, **extra: str) -> dict:
    where = urlsplit(database_url)
    values = {"database_url": database_url, "db_host": where.hostname or "",
              "db_port": str(where.port or ""), "db_name": where.path.lstrip("/"),
              "host": f"{PUBLIC_HOST},127.0.0.1,localhost", **extra}
    return {name: value.format(**values) for name, value in pairs}


def service_environment(service: Path, python: Path, folder: Path) -> Path:
    """The service's own environment, from its lock (what its Dockerfile and CI install)."""
    env = base_env(REPO / ".venv" / "bin", UV_PROJECT_ENVIRONMENT=str(folder),
                   UV_PYTHON_DOWNLOADS="never")
    done = subprocess.run(["uv", "sync", "--locked", "--no-install-project", "--extra", "test",
                           "--quiet", "--python", str(python)], cwd=service, env=env,
                          capture_output=True, text=True, timeout=STEP_TIMEOUT, check=False)
    if done.returncode:
        raise RuntimeError(f"uv sync --locked: {(done.stderr.strip().splitlines() or ['?'])[-1]}")
    return folder / "bin"


def service_suite(bin_dir: Path, service: Path, database_url: str) -> str:
    """The generated service's own pytest run, on its own database of the throwaway cluster."""
    env = base_env(bin_dir, DATABASE_URL=database_url)
    try:
        done = subprocess.run([str(bin_dir / "python"), *PYTEST], cwd=service, env=env,
                              capture_output=True, text=True, timeout=SUITE_TIMEOUT,
                              check=False)
    except subprocess.TimeoutExpired:
        return f"timed out after {SUITE_TIMEOUT} s"
    (service.parent / "service-suite.log").write_text(done.stdout + done.stderr)
    summary = (done.stdout.strip().splitlines() or ["no output"])[-1].strip("= ")
    return summary if done.returncode == 0 else f"FAILED: {summary}"


def selection_for(monolith: Monolith, app: str) -> tuple[str, ...]:
    """--monolith-tests, else the recipe's subset for this app; () is the full suite."""
    if monolith.selection is not None:
        return monolith.selection
    own = dict(monolith.recipe.app_subsets).get(app)
    return tuple(own.split() if own else (item.format(app=app) for item in monolith.recipe.subset))


def monolith_suite(monolith: Monolith, root: Path, python: Path, chosen: tuple[str, ...],
                   log: Path) -> SuiteRun:
    """The project's suite as its recipe runs it (``chosen``: () is the full suite), on
    ``root`` with ``python``."""
    recipe = monolith.recipe
    database = monolith.cluster.database(slug(f"suite_{log.stem}"))
    env = base_env(python.parent, **recipe_env(recipe.env, database))
    return run_suite([str(python), *recipe.tests, *chosen], (root / recipe.tests_cwd).resolve(),
                     env, recipe.suite_timeout, " ".join(chosen) or "full suite", log)


def manage(python: Path, root: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run([str(python), "manage.py", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=STEP_TIMEOUT, check=False)
    if done.returncode:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"manage.py {args[0]}: {last[:200]}")
    return done.stdout


def served_redis(recipe: Recipe, servers: ExitStack) -> str:
    """The URL of a throwaway Redis kept until ``servers`` close, when the recipe needs one."""
    return servers.enter_context(temporary_redis()) if recipe.redis else ""


@contextmanager
def served_monolith(monolith: Monolith, root: Path, bin_dir: Path, env: dict[str, str],
                    work: Path) -> Iterator[tuple[Server, str]]:
    """The monolith migrated, seeded by its recipe and under gunicorn, with the session
    cookie of a signed-in superuser."""
    python = bin_dir / "python"
    manage(python, root, env, "migrate", "--noinput", "-v0")
    for command in monolith.recipe.seed:
        manage(python, root, env, *command)
    cookie = manage(python, root, env, *monolith.recipe.shell, "-c",
                    SIGN_IN).strip().splitlines()[-1]
    with gunicorn(python, root, env, work / "monolith.log", monolith.recipe.wsgi) as server:
        yield server, cookie


def side_by_side(monolith: Monolith, app: str, root: Path, service: Path, bin_dir: Path,
                 service_bin: Path, work: Path) -> RouteComparison:
    """Seed the patched monolith, serve it and the service (given the monolith's values of
    the settings it reads from the environment; those it cannot be given are printed),
    compare the moved GET routes."""
    name = json.loads((service / "extraction.json").read_text())["service"]
    database = monolith.cluster.database(slug(f"serve_{app}"))
    token_keys, service_keys = key_pair(), key_pair()
    with ExitStack() as servers:
        monolith_env = base_env(bin_dir, **recipe_env(
            monolith.recipe.env + monolith.recipe.serve_env, database,
            secret=secrets.token_urlsafe(40), redis_url=served_redis(monolith.recipe, servers)),
            DECOMPOSE_TOKEN_PRIVATE_KEY=token_keys.private,
            DECOMPOSE_SERVICE_PUBLIC_KEYS=json.dumps({name: service_keys.public}))
        mono, cookie = servers.enter_context(served_monolith(monolith, root, bin_dir,
                                                             monolith_env, work))
        values = service_values(service, manage(
            bin_dir / "python", root, monolith_env, *monolith.recipe.shell, "-c",
            READ_SETTINGS.format(names=settings_to_read(service))))
        for line in values.reported:
            print(f"  {monolith.project.name}/{app} setting {line}", flush=True)
        service_env = base_env(service_bin, **{
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            # a key of its own, unless it signs with the monolith's (environment_settings)
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(40), "DATABASE_URL": database,
            "DJANGO_ALLOWED_HOSTS": f"{PUBLIC_HOST},127.0.0.1,localhost",
            "MONOLITH_URL": mono.url, "DECOMPOSE_SERVICE_PRIVATE_KEY": service_keys.private,
            "DECOMPOSE_TOKEN_PUBLIC_KEY": token_keys.public,
            "PROMETHEUS_MULTIPROC_DIR": str(work / "prometheus"), **values.variables})
        serv = servers.enter_context(gunicorn(
            service_bin / "python", service, service_env, work / "service.log",
            "--config", "gunicorn.conf.py", "config.wsgi:application"))
        credentials = {"Cookie": cookie}
        if code := dict(monolith.recipe.api_credentials).get(app):
            credentials = {"Authorization": manage(
                bin_dir / "python", root, monolith_env, *monolith.recipe.shell, "-c",
                code).strip().splitlines()[-1]}
        token = service_token(mono, credentials)
        paths = sorted({*moved_get_paths(service, root / "decompose-report" / "graph.json"),
                        *recipe_page(monolith.recipe, app, service)})
        return compare_routes(mono, serv, paths, credentials,
                              {"Authorization": f"Bearer {token}"}, work / "differing")


def recipe_page(recipe: Recipe, app: str, service: Path) -> list[str]:
    """The recipe's page of the app when the service serves it: a server-rendered page under
    a mounted prefix (kiwi_auth's ``/accounts/passwordreset/``), which neither the schema nor
    the parameterless prefixes (``/accounts/``, a 404 on both sides) name."""
    page = dict(recipe.pages).get(app)
    routes = json.loads((service / "extraction.json").read_text()).get("routes", [])
    return [page] if page and any(page.startswith(route) for route in routes) else []


def prove(monolith: Monolith, app: str, root: Path, service: Path,
          before_runs: dict[tuple[str, ...], SuiteRun]) -> Checks:
    """Everything a written service must pass; a step that cannot run says why and stops."""
    work = service.parent
    checks = Checks()
    try:
        checks = replace(checks, before=before_patch(monolith, app, work.parent, before_runs))
        service_bin = service_environment(service, monolith.python, work / "service-env")
        checks = replace(checks, suite=service_suite(
            service_bin, service, monolith.cluster.database(slug(f"service_{app}"))))
        bin_dir = patched_environment(monolith.project, monolith.python,
                                      service / "monolith.patch")
        checks = replace(checks, after=monolith_suite(
            monolith, root, bin_dir / "python", selection_for(monolith, app),
            work / "monolith-after.log"))
        checks = replace(checks, routes=side_by_side(monolith, app, root, service, bin_dir,
                                                     service_bin, work))
    except (RuntimeError, subprocess.CalledProcessError, subprocess.TimeoutExpired,
            OSError, psycopg.Error) as exc:
        checks = replace(checks, stopped=f"stopped: {str(exc).splitlines()[0][:200]}")
    return checks


def attempt(monolith: Monolith, app: str, work: Path, decompose: Path,
            before_runs: dict[tuple[str, ...], SuiteRun]) -> Attempt:
    project = monolith.project
    # The patched copy's path holds no more than the checkout's (``work/app/src`` links to
    # it): a suite may read its working folder's path, and tandoor's test data is found one
    # way when the path holds "cookbook" (run from cookbook/tests), another from the root.
    copy = work / "patched" / str(len(list(work.glob("patched/*"))) + 1)
    shutil.copytree(monolith.checkout, copy, symlinks=True)
    (work / app).mkdir(parents=True, exist_ok=True)
    (work / app / "src").symlink_to(copy)
    root = copy / project.root
    service = work / app / "service"
    given = monolith.recipe.extract_args
    with_args = f" (extract {' '.join(given)})" if given else ""
    try:
        done = subprocess.run(
            [str(decompose / "decompose"), "extract", app, "--project", str(root),
             "--apply", "--out", str(service), *given], cwd=root, capture_output=True,
            text=True, timeout=EXTRACT_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return Attempt(project.name, app, f"timed out after {EXTRACT_TIMEOUT} s{with_args}",
                       monolith="?")
    (work / app / "extract.log").write_text(done.stdout + done.stderr)
    if done.returncode:
        untouched = subprocess.run(["diff", "-rq", "--exclude=__pycache__",
                                    str(monolith.checkout), str(copy)], capture_output=True,
                                   check=False).returncode == 0
        return Attempt(project.name, app, one_line(done.stderr) + with_args,
                       monolith="unchanged" if untouched else "CHANGED by a refused --apply")
    return Attempt(project.name, app, f"service written{with_args}",
                   checks=prove(monolith, app, root, service, before_runs))


def before_patch(monolith: Monolith, app: str, work: Path,
                 runs: dict[tuple[str, ...], SuiteRun]) -> SuiteRun:
    """The checkout's suite, run once per selection and project (a subset naming the moved
    app runs again for each app)."""
    key = selection_for(monolith, app)
    if key not in runs:
        runs[key] = monolith_suite(monolith, monolith.checkout / monolith.project.root,
                                   monolith.python, key, work / f"monolith-before-{app}.log")
    return runs[key]


def checkout_of(project: Project, mirrors: Path, work: Path) -> Path:
    """A fresh copy of the project's source: the mirror's HEAD, or this repository's folder."""
    if not project.mirror:
        checkout = work / "checkout" / "src"
        shutil.copytree(REPO / project.name, checkout, ignore=shutil.ignore_patterns(
            "db.sqlite3", "__pycache__", ".pytest_cache", "decompose-report"))
        return checkout
    return export(mirrors / project.mirror / "repo", work / "checkout")


def analyze(project: Project, root: Path, python: Path, bin_dir: Path) -> dict:
    settings = RECIPES[project.name].analysed_settings or project.settings
    subprocess.run([str(bin_dir / "decompose"), "analyze", str(root), "--settings",
                    settings, "--python", str(python), "--format", "json",
                    "--no-cache"], cwd=root, capture_output=True, text=True, check=True)
    return json.loads((root / "decompose-report" / "graph.json").read_text())


def prepare(project: Project, mirrors: Path, work: Path, interpreters: dict[str, str],
            cluster: Cluster, selection: tuple[str, ...] | None) -> Monolith:
    checkout = checkout_of(project, mirrors, work)
    python = environment(project, checkout, interpreters)
    recipe = RECIPES[project.name]
    if recipe.test_install:  # a developer's environment: the project's test tools too
        pip_install(python, [arg.format(src=checkout) for arg in recipe.test_install])
    for path, text in recipe.files:
        (checkout / project.root / path).write_text(text)
    if recipe.build:
        done = subprocess.run(["sh", "-c", recipe.build], cwd=checkout / project.root,
                              capture_output=True, text=True, timeout=STEP_TIMEOUT, check=False)
        if done.returncode:
            raise RuntimeError(f"{recipe.build}: {(done.stderr.strip().splitlines() or ['?'])[-1]}")
    cluster.execute(recipe.database_sql)
    return Monolith(project, recipe, checkout, python, cluster, selection)


def project_attempts(monolith: Monolith, work: Path,
                     only_apps: list[str] | None) -> Iterator[Attempt]:
    project = monolith.project
    decompose = extraction_environment(project, monolith.python)
    graph = analyze(project, monolith.checkout / project.root, monolith.python, decompose)
    apps = chosen_apps(monolith.recipe, graph, only_apps)
    if not apps:
        yield Attempt(project.name, "-", "no leaf app with models and routed views",
                      monolith="-")
    before_runs: dict[tuple[str, ...], SuiteRun] = {}
    for app in apps:
        yield attempt(monolith, app, work, decompose, before_runs)


@contextmanager
def scratch(keep: Path | None) -> Iterator[Path]:
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
    else:
        with tempfile.TemporaryDirectory(prefix="decompose-extract-") as folder:
            yield Path(folder)


def row_cells(row: Attempt) -> list[str]:
    checks = row.checks
    before, after = checks.before, checks.after
    suite = "-" if before is None else (
        f"{before.selection}: {before} → {after if after else '-'}"
        + (f" ({checks.suite_verdict})" if after else ""))
    routes = str(checks.routes) if checks.routes else checks.stopped
    return [row.project, row.app, row.outcome, row.monolith, checks.suite, suite, routes]


def summary(title: str, rows: list[Attempt]) -> list[str]:
    """One line of counts, then what each written service's routes did not answer alike."""
    written = [row for row in rows if row.written]
    lines = [f"{title}: attempts {len([row for row in rows if row.app != '-'])}, services "
             f"written {len(written)}, their suites green "
             f"{sum(row.checks.suite_green for row in written)}, monolith suite equal before "
             f"and after {sum(row.checks.suites_equal for row in written)}, unchanged test by "
             f"test with only passing tests added "
             f"{sum(row.checks.suite_verdict.startswith('unchanged') for row in written)}"
             f", serving all their "
             f"moved GET routes like the monolith {sum(row.checks.serves_all for row in written)}"
             f", refusals {sum(row.outcome.startswith(('refused', 'traceback')) for row in rows)}"]
    for row in written:
        routes = row.checks.routes
        if routes:
            lines += [f"  {row.project}/{row.app} differs: {item}" for item in routes.different]
            lines += [f"  {row.project}/{row.app} not asked: {item}" for item in routes.not_asked]
    return lines


def print_table(rows: list[Attempt]) -> None:
    print("\n| project | app | outcome | monolith after a refusal | service suite "
          "| monolith suite before → after | moved GET routes |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row_cells(row)) + " |")
    print()
    control = [row for row in rows if row.project == CONTROL.name]
    print("\n".join(summary(f"control ({CONTROL.name})", control)
                    + summary("corpus", [row for row in rows if row not in control])))


COUNT_ROWS = """
from django.apps import apps
for label in {labels!r}:
    print("rows", label, sum(model._default_manager.count() for model in
                             apps.get_app_config(label).get_models() if not model._meta.proxy))
"""


def monolith_only(monolith: Monolith, work: Path, only_apps: list[str] | None) -> list[str]:
    """``--monolith-only``: the monolith's side of every proof, on the unpatched checkout and
    without a service: the suite selections of the apps to extract, run together once (an
    attempt runs each app's own before and after its patch), then the checkout migrated,
    seeded and served under gunicorn, each app's rows counted and its page (RECIPES ``pages``)
    asked by a signed-in superuser."""
    project, recipe = monolith.project, monolith.recipe
    graph = analyze(project, monolith.checkout / project.root, monolith.python,
                    extraction_environment(project, monolith.python))
    apps = chosen_apps(recipe, graph, only_apps)
    selections = [selection_for(monolith, app) for app in apps]
    together = () if not all(selections) else tuple(dict.fromkeys(
        test for selection in selections for test in selection))
    run = monolith_suite(monolith, monolith.checkout / project.root, monolith.python,
                         together, work / "monolith-checkout.log")
    lines = [f"{project.name} | {', '.join(apps)} | suite {run.selection}: {run}"]
    bin_dir = layered_venv(f"m-{project.name}", monolith.python, ["gunicorn"])
    root = monolith.checkout / project.root
    pages = dict(recipe.pages)
    try:
        with ExitStack() as servers:
            env = base_env(bin_dir, **recipe_env(
                recipe.env + recipe.serve_env, monolith.cluster.database("serve_checkout"),
                secret=secrets.token_urlsafe(40), redis_url=served_redis(recipe, servers)))
            server, cookie = servers.enter_context(served_monolith(monolith, root, bin_dir,
                                                                   env, work))
            counted = manage(bin_dir / "python", root, env, *recipe.shell, "-c",
                             COUNT_ROWS.format(labels=apps))
            rows = dict(line.split()[1:] for line in counted.splitlines()
                        if line.startswith("rows "))
            for app in apps:
                page = pages.get(app)
                answer = (f"GET {page}: {server.get(page, {'Cookie': cookie}).status}" if page
                          else "no page in RECIPES")
                lines.append(f"{project.name} | {app} | seeded rows {rows.get(app, '?')}, "
                             f"signed-in {answer}")
    except (RuntimeError, subprocess.TimeoutExpired, OSError) as exc:
        lines.append(f"{project.name} | - | served monolith stopped: "
                     f"{str(exc).splitlines()[0][:200]}")
    return lines


def suite_time(project: Project, mirrors: Path, work: Path, interpreters: dict[str, str],
               cluster: Cluster) -> str:
    """``--suite-time``: the project's full suite on a fresh checkout, once, with its time."""
    monolith = prepare(project, mirrors, work, interpreters, cluster, ())
    run = monolith_suite(monolith, monolith.checkout / project.root, monolith.python, (),
                         work / "monolith-full.log")
    return f"{project.name}: {run.selection}: {run}"


def main() -> None:
    # A stopped run still stops its servers and PostgreSQL and removes its folders.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--only", action="append", help="project name (repeatable)")
    parser.add_argument("--app", action="append",
                        help="only this app (repeatable); an app that is no leaf is taken too")
    parser.add_argument("--keep", type=Path, help="work here and leave the copies and services")
    parser.add_argument("--interpreter", action="append", default=[], metavar="X.Y=PATH",
                        help="the Python X.Y a project needs, when pythonX.Y is not on PATH")
    parser.add_argument("--monolith-tests", nargs="+", metavar="PATH",
                        help="the monolith's tests to run before and after the patch: 'full' "
                             "or paths/labels (default: the project's subset in RECIPES)")
    parser.add_argument("--suite-time", action="store_true",
                        help="only run each project's full suite on its checkout, and time it")
    parser.add_argument("--monolith-only", action="store_true",
                        help="no extraction: on the unpatched checkout, run the suite selections "
                             "of the apps to extract (together, once), then migrate and seed it "
                             "on PostgreSQL, serve it under gunicorn and GET each app's page "
                             "(RECIPES pages) as a signed-in superuser")
    args = parser.parse_args()
    interpreters = dict(item.split("=", 1) for item in args.interpreter)
    selection = None if not args.monolith_tests else (
        () if args.monolith_tests == ["full"] else tuple(args.monolith_tests))
    rows: list[Attempt] = []
    with ExitStack() as stack:
        work = stack.enter_context(scratch(args.keep))
        cluster = Cluster(stack.enter_context(temporary_postgres()))
        for project in (CONTROL, *PROJECTS):
            if args.only and project.name not in args.only:
                continue
            if project.mirror and not (args.mirrors / project.mirror / "repo").exists():
                rows.append(Attempt(project.name, "-", "no mirror: fetch it first", monolith="-"))
                continue
            folder = work / project.name
            shutil.rmtree(folder, ignore_errors=True)
            try:
                if args.suite_time:
                    print(suite_time(project, args.mirrors, folder, interpreters, cluster),
                          flush=True)
                    continue
                monolith = prepare(project, args.mirrors, folder, interpreters, cluster,
                                   selection)
                if args.monolith_only:
                    print("\n".join(monolith_only(monolith, folder, args.app)), flush=True)
                    continue
                for row in project_attempts(monolith, folder, args.app):
                    print(" | ".join(row_cells(row)), flush=True)
                    rows.append(row)
            except (subprocess.CalledProcessError, RuntimeError) as exc:
                rows.append(Attempt(project.name, "-", f"failed: {str(exc).splitlines()[0]}",
                                    monolith="-"))
    if not (args.suite_time or args.monolith_only):
        print_table(rows)


if __name__ == "__main__":
    main()
