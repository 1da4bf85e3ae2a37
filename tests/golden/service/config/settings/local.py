"""Local development: debug on, a throwaway secret, PostgreSQL on localhost by default."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-only-insecure-secret-key")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])

DATABASES = {"default": env.db("DATABASE_URL", default="postgres:///widgets")}
# Not one transaction per request: the monolith cannot see rows this request has not committed
# yet, so code that calls it must commit first (see EXTRACTION.md, "Transactions").
DATABASES["default"]["ATOMIC_REQUESTS"] = False
