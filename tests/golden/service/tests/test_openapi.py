"""The committed openapi.yaml is what the code produces, and the API keeps to it."""

from pathlib import Path

import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, settings

from config.wsgi import application

ROOT = Path(__file__).resolve().parent.parent
OPENAPI = ROOT / "openapi.yaml"

schema = schemathesis.openapi.from_path(
    OPENAPI, config=schemathesis.Config.from_path(ROOT / "schemathesis.toml")
)
schema.app = application


def test_committed_schema_is_current(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(generated))
    assert generated.read_text() == OPENAPI.read_text(), (
        "openapi.yaml is stale: run python manage.py spectacular --file openapi.yaml"
    )


# A service without API operations (pages and admin only) has nothing to call: schemathesis
# fails a test that matches no operation, so the contract test exists only when there are some.
if schema.raw_schema.get("paths"):

    @schema.parametrize()
    @settings(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                    HealthCheck.function_scoped_fixture])
    def test_api_keeps_to_its_schema(case, db, persistent_connections):
        case.call_and_validate()
