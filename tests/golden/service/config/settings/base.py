"""Settings shared by every environment of the widgets service.

Values that differ between environments come from the environment (12-factor, as in
cookiecutter-django); production.py refuses to start without the secrets it needs.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve(strict=True).parent.parent.parent
env = environ.Env()

READ_DOT_ENV_FILE = env.bool("DJANGO_READ_DOT_ENV_FILE", default=False)
if READ_DOT_ENV_FILE:
    # Variables already in the environment win over the .env file.
    env.read_env(str(BASE_DIR / ".env"))

# GENERAL
# ------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"
USE_I18N = True
USE_TZ = True
# Implicit primary keys keep the column type they have in the monolith's tables.
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# URLS
# ------------------------------------------------------------------------------
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# APPS
# ------------------------------------------------------------------------------
DJANGO_APPS = [
    # DRF's anonymous user lives in django.contrib.auth; no user table is read.
    "django.contrib.auth",
    "django.contrib.contenttypes",
    # The moved apps' admin, for the monolith's staff (decompose_remote/admin.py).
    "decompose_remote.apps.ServiceAdminConfig",
    "django.contrib.messages",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "drf_spectacular",
    # Generated with the service: reaches the monolith (rows, functions, access tokens).
    "decompose_remote",
]
LOCAL_APPS = [
    "widgets",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

# MIDDLEWARE
# ------------------------------------------------------------------------------
MIDDLEWARE = [
    # First: every response, probes included, gets a request id, an access log line and metrics.
    "ops.middleware.RequestContextMiddleware",
    # Before host validation and HTTPS redirects: kubelets and Prometheus call pods by IP.
    "ops.probes.ProbeMiddleware",
    # Mirrored shadow traffic may read, never write (answers 403 to unsafe methods).
    "decompose_remote.shadow.ShadowModeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Monolith rows fetched during a request are reused until it ends.
    "decompose_remote.models.RequestCacheMiddleware",
    # request.session: empty and read-only (the monolith keeps the sessions).
    "decompose_remote.sessions.EmptySessionMiddleware",
    # request.user for plain Django views, from the monolith-issued access token.
    "decompose_remote.auth.MonolithTokenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
# The admin wants SessionMiddleware for its login and messages: the login is the monolith's,
# and messages are kept in a cookie (MESSAGE_STORAGE); the service has no sessions (its
# request.session is always empty).
SILENCED_SYSTEM_CHECKS = ["admin.E410"]
MESSAGE_STORAGE = "decompose_remote.admin.ServiceMessageStorage"

# EMAIL: through a wrapper that drops mail sent for shadow requests.
# ------------------------------------------------------------------------------
EMAIL_BACKEND = "decompose_remote.shadow.ShadowSafeEmailBackend"
DECOMPOSE_EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend"
)

# TEMPLATES (the moved pages, Swagger UI, the admin)
# ------------------------------------------------------------------------------
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Monolith templates the moved pages extend or include, copied at extraction.
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
# The admin's CSS and JavaScript: the proxy keeps /static/ on the monolith, whose collected
# static files include the same Django admin's; linked where the monolith links them.
STATIC_URL = env("DJANGO_STATIC_URL", default="/static/")
# collectstatic's target, cookiecutter-django's; a Path, as the moved code may join onto it at
# import (pretalx's vite tags: STATIC_ROOT / "pretalx-manifest.json").
STATIC_ROOT = BASE_DIR / "staticfiles"


# SECURITY
# ------------------------------------------------------------------------------
# The monolith's CSRF cookie, shared and set the way the monolith sets it (it is a random
# secret, not signed with SECRET_KEY): the admin pages of both sides post forms to each other
# (the header's "Log out" is the monolith's), so both must accept the same token.
CSRF_COOKIE_NAME = env("DJANGO_CSRF_COOKIE_NAME", default="csrftoken")
CSRF_COOKIE_HTTPONLY = env.bool("DJANGO_CSRF_COOKIE_HTTPONLY", default=False)
X_FRAME_OPTIONS = "DENY"

# LOGGING: one JSON object per line on stdout, each carrying the request id.
# ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ops.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "ops.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        },
    },
    "root": {"level": env("DJANGO_LOG_LEVEL", default="INFO"), "handlers": ["console"]},
    "loggers": {
        # 4xx responses are already in the access log; keep django.request for 5xx tracebacks.
        "django.request": {"level": "ERROR"},
    },
}

# django-rest-framework
# ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # The monolith stays the identity provider: the gateway exchanges the caller's monolith
    # credentials for a short-lived RS256 token, verified here with the monolith's public key
    # (no session or user table is read, no SECRET_KEY is shared).
    "DEFAULT_AUTHENTICATION_CLASSES": ["decompose_remote.auth.MonolithTokenAuthentication"],
}

# drf-spectacular
# ------------------------------------------------------------------------------
SPECTACULAR_SETTINGS = {
    "TITLE": "Widgets API",
    "DESCRIPTION": "API of the widgets service, extracted from the monolith.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # get_queryset() is introspected for its model: never ask the monolith for rows meanwhile.
    "DEFAULT_GENERATOR_CLASS": "decompose_remote.schema.OfflineSchemaGenerator",
    # Separate request/response components: write-only rules (non-blank strings) are shown.
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "ops.openapi.document_error_responses",
    ],
}

# The monolith: its decompose_bridge serves rows and functions owned by apps that stayed
# there, and issues the access tokens verified here. Keys are PEM text; production.py requires
# them, test settings make throwaway ones.
# ------------------------------------------------------------------------------
DECOMPOSE_SERVICE_NAME = "widgets"
MONOLITH_URL = env("MONOLITH_URL", default="http://monolith:8000")
DECOMPOSE_MONOLITH_TIMEOUT = env.float("DECOMPOSE_MONOLITH_TIMEOUT", default=5.0)
DECOMPOSE_MONOLITH_RETRIES = env.int("DECOMPOSE_MONOLITH_RETRIES", default=2)
DECOMPOSE_SERVICE_PRIVATE_KEY = env("DECOMPOSE_SERVICE_PRIVATE_KEY", default="")
DECOMPOSE_TOKEN_PUBLIC_KEY = env("DECOMPOSE_TOKEN_PUBLIC_KEY", default="")
# The monolith's admin as browsers reach it (behind the gateway: the same host, so a path).
# Its login, logout and password pages serve the service's admin too.
DECOMPOSE_MONOLITH_ADMIN_URL = env("DECOMPOSE_MONOLITH_ADMIN_URL", default="/admin/")

# Behind the gateway: absolute URLs (pagination links) name the public host and scheme the
# client used, as the monolith's do.
USE_X_FORWARDED_HOST = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
