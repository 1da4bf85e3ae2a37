"""Tests: fast and isolated, on PostgreSQL like production.

The database engine shows in the API schema (integer ranges differ), so tests and openapi.yaml
are made on the engine production runs.
"""

from decompose_remote.testing import throwaway_keys

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY", default="test-only-insecure-secret-key")
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

DATABASES = {"default": env.db("DATABASE_URL", default="postgres:///widgets")}
# Not one transaction per request: the monolith cannot see rows this request has not committed
# yet, so code that calls it must commit first (see EXTRACTION.md, "Transactions").
DATABASES["default"]["ATOMIC_REQUESTS"] = False

# Throwaway key pairs made for this test run: the suite signs access tokens as the monolith
# would, and nothing real can leak from or into it.
_KEYS = throwaway_keys()
DECOMPOSE_SERVICE_PRIVATE_KEY = _KEYS.service_private
DECOMPOSE_TOKEN_PUBLIC_KEY = _KEYS.token_public

# No monolith runs beside the suite (port 9 is "discard": refused at once, no retries), so a
# request that needs one gets the documented 503 fast; MONOLITH_URL still wins when set.
MONOLITH_URL = env("MONOLITH_URL", default="http://127.0.0.1:9")
DECOMPOSE_MONOLITH_RETRIES = env.int("DECOMPOSE_MONOLITH_RETRIES", default=0)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DECOMPOSE_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
