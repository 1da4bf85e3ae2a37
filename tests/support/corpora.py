"""Real projects from PyPI (django-oscar, wagtail, pretix, pretalx, misago) laid out as
analysable Django projects.

Each corpus gets its own virtualenv under ``.venv-corpora/<name>`` (their pinned dependencies
conflict with each other, e.g. django-treebeard versions), created with the system
site-packages so Django stays the main environment's 5.2. The package source is copied into a
project folder beside a settings module, so its apps are the project's own apps.

    python -m tests.support.corpora install     # create both venvs (needs PyPI)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from decompose.modules import default_site_paths

REPO = Path(__file__).resolve().parents[2]
VENVS = REPO / ".venv-corpora"
DJANGO_PIN = "django>=5.2,<5.3"


@dataclass(frozen=True)
class Corpus:
    name: str
    requirement: str
    package: str  # top-level package copied into the project
    settings: str  # settings module inside the project
    settings_source: str | None  # written as <settings>.py when the package ships none
    django: str = DJANGO_PIN  # a project that needs another Django release names it
    files: tuple[tuple[str, str], ...] = ()  # (name, text) written beside manage.py
    boot_env: tuple[tuple[str, str], ...] = ()  # environment for booting it ("{root}" filled)

    def environment(self, root: Path) -> dict[str, str]:
        return {name: value.format(root=root) for name, value in self.boot_env}
    python_version: str = f"{sys.version_info.major}.{sys.version_info.minor}"

    @property
    def venv(self) -> Path:
        return VENVS / self.name

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def site_packages(self) -> Path:
        return self.venv / "lib" / f"python{self.python_version}" / "site-packages"


OSCAR_SETTINGS = """
from oscar.defaults import *  # noqa
from oscar import INSTALLED_APPS  # noqa

SECRET_KEY = "corpus"
SITE_ID = 1
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
ROOT_URLCONF = "corpus_urls"
"""

MISAGO_SETTINGS = """
from misago.settings import *  # noqa

SECRET_KEY = "corpus"
AUTH_USER_MODEL = "misago_users.User"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
ROOT_URLCONF = "corpus_urls"
"""

CORPORA = {
    "oscar": Corpus("oscar", "django-oscar==4.2.1", "oscar", "corpus_settings", OSCAR_SETTINGS),
    "wagtail": Corpus("wagtail", "wagtail==8.0.1", "wagtail", "wagtail.test.settings", None),
    "pretix": Corpus("pretix", "pretix==2026.8.0", "pretix", "pretix.testutils.settings", None),
    "pretalx": Corpus("pretalx", "pretalx==2025.2.2", "pretalx", "pretalx.settings", None),
    "misago": Corpus("misago", "misago==0.39.6", "misago", "corpus_settings", MISAGO_SETTINGS,
                     django="django>=4.2,<5"),
    # pulpcore installs its plugins (pulp_file, pulp_certguard) from entry points; booting it
    # needs a database-fields key file
    "pulpcore": Corpus("pulpcore", "pulpcore==3.123.1", "pulpcore", "pulpcore.app.settings",
                       None, files=(("db.key", f"{'A' * 43}=\n"),),
                       boot_env=(("PULP_DB_ENCRYPTION_KEY", "{root}/db.key"),)),
}


# Packages whose start-up contributions the analyzer knows (analyzer/startup.py), installed
# for the fixture projects that use them (tests/fixtures/startup_*): Django boots them there.
STARTUP_PACKAGES = Corpus("startup", "django-simple-history==3.13.0 django-activity-stream==2.0.0 "
                          "django-hierarkey==2.0.2", "hierarkey", "settings", None)


def ensure_installed(corpus: Corpus) -> None:
    """Create the corpus venv if it is missing (raises CalledProcessError if pip fails)."""
    if corpus.python.exists() and (corpus.site_packages / corpus.package).is_dir():
        return
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(corpus.venv)],
                   check=True)
    subprocess.run([str(corpus.python), "-m", "pip", "install", "-q", corpus.django,
                    *corpus.requirement.split()], check=True)


def lay_out(corpus: Corpus, root: Path) -> Path:
    """Copy the package's Python source into ``root`` and add manage.py/settings."""
    shutil.copytree(corpus.site_packages / corpus.package, root / corpus.package,
                    ignore=shutil.ignore_patterns("__pycache__", "static", "templates",
                                                  "locale", "*.mo", "*.po", "*.js", "*.css"))
    (root / "manage.py").write_text(
        "import os\n"
        f"os.environ.setdefault('DJANGO_SETTINGS_MODULE', '{corpus.settings}')\n")
    for name, text in corpus.files:
        (root / name).write_text(text)
    if corpus.settings_source:
        (root / f"{corpus.settings}.py").write_text(corpus.settings_source.lstrip())
        (root / "corpus_urls.py").write_text("urlpatterns = []\n")
    return root


def site_paths(corpus: Corpus) -> tuple[Path, ...]:
    """Where the analyzer looks for the corpus's external apps: its venv, then the system."""
    return (corpus.site_packages, *default_site_paths())


if __name__ == "__main__":
    if sys.argv[1:] == ["install"]:
        for item in CORPORA.values():
            ensure_installed(item)
            print(f"{item.name}: {item.python}")
