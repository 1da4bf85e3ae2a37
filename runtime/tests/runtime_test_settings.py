"""One Django project holding both ends: the service side and the monolith's bridge app."""

SECRET_KEY = "runtime-tests-only"
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
ROOT_URLCONF = "runtime_test_urls"
INSTALLED_APPS = ["django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
                  "django.contrib.messages", "django.contrib.sessions", "rest_framework",
                  "rest_framework.authtoken", "decompose_remote", "runtime_test_pairs",
                  "runtime_test_scoped", "runtime_test_tokens", "runtime_test_i18n",
                  "decompose_bridge", "decompose_runtime.events"]
# The monolith side as a Django shop has it: sessions for browsers, DRF tokens for API clients.
MIDDLEWARE = ["django.contrib.sessions.middleware.SessionMiddleware",
              "django.contrib.auth.middleware.AuthenticationMiddleware"]
REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": [
    "rest_framework.authentication.TokenAuthentication",
    "rest_framework.authentication.SessionAuthentication",
    "runtime_test_tokens.authentication.ApiKeyAuthentication"]}
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend",
                           "runtime_test_scoped.backends.OwnerBackend"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
DECOMPOSE_BRIDGE_ALLOWLIST = "runtime_test_allowlist"
DECOMPOSE_SERVICE_NAME = "orders"
STATIC_URL = "/static/"
DECOMPOSE_EVENTS_FORWARDING = "runtime_test_forwarding"
DECOMPOSE_EVENTS_MAX_TRIES = 3
