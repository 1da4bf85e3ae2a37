"""Settings for the test suite: fast hashing, in-memory mail, quiet logs."""

from .base import *

SECRET_KEY = env("DJANGO_SECRET_KEY", default="django-insecure-test-only-key")
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING["root"]["level"] = "WARNING"
