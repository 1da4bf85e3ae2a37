"""The committed openapi.yaml is what the code produces, and the API keeps to it."""

import subprocess
import sys
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

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


# A service without API operations (pages and admin only) has nothing to call: schemathesis
# fails a test that matches no operation, so the contract test exists only when there are some.
if schema.raw_schema.get("paths"):

    @schema.parametrize()
    @settings(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                    HealthCheck.function_scoped_fixture])
    def test_api_keeps_to_its_schema(case, db, persistent_connections):
        case.call_and_validate()
