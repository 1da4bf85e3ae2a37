"""Production: every secret comes from the environment, with no default."""

from .base import *  # noqa: F403
from .base import env

# GENERAL
# ------------------------------------------------------------------------------
# Raises ImproperlyConfigured when DJANGO_SECRET_KEY is not set.
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

# THE MONOLITH: ImproperlyConfigured when a key is not set.
# ------------------------------------------------------------------------------
DECOMPOSE_SERVICE_PRIVATE_KEY = env("DECOMPOSE_SERVICE_PRIVATE_KEY")
DECOMPOSE_TOKEN_PUBLIC_KEY = env("DECOMPOSE_TOKEN_PUBLIC_KEY")

# DATABASES
# ------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL")}
# Not one transaction per request: the monolith cannot see rows this request has not committed
# yet, so code that calls it must commit first (see EXTRACTION.md, "Transactions").
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# SECURITY: TLS ends at the gateway, which sets X-Forwarded-Proto (see base.py).
# ------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_SECURE = True
# Start low; raise to 31536000 once HTTPS is proven on every host.
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
