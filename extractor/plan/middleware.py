"""Which of the monolith's MIDDLEWARE the service runs too, and why.

The service has a stack of its own (``config/settings/base.py``): request context, probes,
shadow mode, Django's security, common, CSRF, clickjacking and messages middleware, and the
token's user in place of sessions and authentication. Of the monolith's other entries it runs,
in the monolith's order after its own:

- those that shape the responses of the moved views as clients see them (``RESPONSE``: a
  minifier, a compressor, a security header), where the monolith's environment has their
  package: it becomes a dependency of the service, pinned as the monolith pins it;
- those of the third-party apps the service installs (django-allauth refuses to start without
  its ``AccountMiddleware``);
- those whose module is moved code (Tandoor's ``cookbook.helper.scope_middleware``, which sets
  ``request.space`` from the moved ``UserSpace`` rows every moved view reads): the service
  has that code, and its models are the service's own. After the token's user, which they
  may read.

The rest is the monolith's concern and stays with it: sessions and authentication (the
service's user is the token's), static files (the proxy keeps ``/static/`` on the monolith),
debugging toolbars, and the middleware of the project's apps that stay: their sessions, and
their request state (pretalx's event), which the bridge computes for the service where the
moved code reads it (extractor.plan.request_state). Django's ``LocaleMiddleware`` is the
skeleton's choice
(``settings.negotiates_language``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from decompose.model import App, SettingsFacts
from extractor.plan.environment import MonolithEnvironment

# Middleware that changes what the moved views answer, by dotted path: what it does.
RESPONSE: dict[str, str] = {
    "django.middleware.gzip.GZipMiddleware": "compresses the body (Content-Encoding: gzip)",
    "django.middleware.http.ConditionalGetMiddleware": "ETag, and 304 for a matching one",
    "django_minify_html.middleware.MinifyHtmlMiddleware": "minifies HTML pages",
    "htmlmin.middleware.HtmlMinifyMiddleware": "minifies HTML pages",
    "htmlmin.middleware.MarkRequestMiddleware": "marks the requests htmlmin minifies",
    "csp.middleware.CSPMiddleware": "sets the Content-Security-Policy header",
    "django_permissions_policy.PermissionsPolicyMiddleware":
        "sets the Permissions-Policy header",
}


def response_middleware(facts: SettingsFacts, installed: Callable[[str], bool]
                        ) -> tuple[str, ...]:
    """The monolith's MIDDLEWARE entries of ``RESPONSE`` whose module ``installed`` says
    the monolith's environment has, in its order."""
    return tuple(entry for entry in middleware_entries(facts)
                 if entry in RESPONSE and installed(entry.rpartition(".")[0]))


def middleware_packages(entries: Iterable[str], environment: MonolithEnvironment
                        ) -> list[Path]:
    """The folders of the installed packages of ``entries`` but Django's, whose settings the
    service carries like those the moved code reads (django-csp's middleware reads
    ``CONTENT_SECURITY_POLICY``); Django's own settings are the service's to set."""
    tops = sorted({entry.partition(".")[0] for entry in entries} - {"django"})
    folders = []
    for top in tops:
        found = [Path(site, top) for site in environment.site_paths if Path(site, top).is_dir()]
        folders += found[:1]
    return folders


def moved_middleware(facts: SettingsFacts, moved: Iterable[App]) -> tuple[str, ...]:
    """The monolith's MIDDLEWARE entries whose module is in the ``moved`` apps, in its
    order."""
    names = tuple(app.name for app in moved)
    return tuple(entry for entry in middleware_entries(facts) if any(
        entry.startswith(f"{name}.") for name in names))


def carried_middleware(facts: SettingsFacts, kept: Iterable[str], apps: Iterable[str]
                       ) -> tuple[str, ...]:
    """The monolith's MIDDLEWARE entries the service runs: ``kept`` (the response and moved
    ones above) and those of the third-party ``apps`` the service installs, in the
    monolith's order."""
    kept, apps = set(kept), tuple(apps)
    return tuple(entry for entry in middleware_entries(facts)
                 if entry in kept or any(entry.startswith(f"{app}.") for app in apps))


def middleware_entries(facts: SettingsFacts) -> list[str]:
    """The monolith's MIDDLEWARE entries, in its order, as far as they are known."""
    found = facts.known("MIDDLEWARE")
    return [entry for entry in found if isinstance(entry, str)] if isinstance(
        found, list | tuple) else []
