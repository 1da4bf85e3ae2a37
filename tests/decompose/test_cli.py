import subprocess
import sys
from importlib.metadata import version


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "decompose.cli", *args],
                          capture_output=True, text=True, check=False)


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"decompose, version {version('decompose')}"


def test_help_lists_commands():
    result = run_cli("--help")
    assert result.returncode == 0
    assert "Break a Django monolith into services" in result.stdout


def test_unknown_command_is_a_usage_error_without_traceback():
    result = run_cli("frobnicate")
    assert result.returncode == 2
    assert "No such command 'frobnicate'" in result.stderr
    assert "Traceback" not in result.stderr
