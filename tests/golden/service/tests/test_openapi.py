"""The committed openapi.yaml is what the code produces, and the API keeps to it."""

import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import schemathesis
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, assume, settings
from rest_framework.views import APIView

from config.wsgi import application

ROOT = Path(__file__).resolve().parent.parent
OPENAPI = ROOT / "openapi.yaml"

schema = schemathesis.openapi.from_path(
    OPENAPI, config=schemathesis.Config.from_path(ROOT / "schemathesis.toml")
)
schema.app = application


def test_committed_schema_is_current(tmp_path):
    # In its own process, as `manage.py spectacular` runs: settings may read the command line.
    generated = tmp_path / "openapi.yaml"
    command = [sys.executable, "manage.py", "spectacular", "--validate",
               "--fail-on-warn", "--file", str(generated)]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert generated.read_text() == OPENAPI.read_text(), (
        "openapi.yaml is stale: run python manage.py spectacular --file openapi.yaml"
    )


def answered_by_the_api(path):
    """Whether an API view answers ``path``, or no route (the 404 the schema documents). A
    path parameter its route does not match (``0.5`` for an id, ``-1`` for ``<int:pk>``)
    can reach another route instead, a page such as a frontend's catch-all
    (``<path:resource>``): that request calls no operation of the schema, which does not
    describe that page's answer, so it is not one of this operation's cases."""
    try:
        match = resolve(unquote(path))
    except Resolver404:
        return True
    view = getattr(match.func, "cls", None)
    return isinstance(view, type) and issubclass(view, APIView)


# A service without API operations (pages and admin only) has nothing to call: schemathesis
# fails a test that matches no operation, so the contract test exists only when there are some.
if schema.raw_schema.get("paths"):

    @schema.parametrize()
    @settings(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                    HealthCheck.function_scoped_fixture,
                                                    HealthCheck.filter_too_much])
    def test_api_keeps_to_its_schema(case, db, persistent_connections):
        assume(answered_by_the_api(case.formatted_path))
        case.call_and_validate()

