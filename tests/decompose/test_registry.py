"""One registry pattern for collectors, codemods and backends: every unit of the package, always."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from decompose.registry import Registry

PACKAGE = "registry_plugins_under_test"


@pytest.fixture
def plugins(tmp_path, monkeypatch):
    """A package whose modules ``first`` and ``second`` register themselves on import."""
    folder = tmp_path / PACKAGE
    folder.mkdir()
    (folder / "__init__.py").write_text(
        "from decompose.registry import Registry\nREGISTRY = Registry(__name__)\n")
    for number, name in enumerate(("first", "second"), 1):
        (folder / f"{name}.py").write_text(
            f"from {PACKAGE} import REGISTRY\nREGISTRY.add({name!r}, {number})\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    for module in [m for m in sys.modules if m.startswith(PACKAGE)]:
        del sys.modules[module]


def test_a_unit_imported_first_does_not_hide_the_others(plugins):
    second = __import__(f"{PACKAGE}.second", fromlist=["REGISTRY"])
    assert second.REGISTRY.units() == {"first": 1, "second": 2}


def test_a_name_registered_twice_is_refused():
    registry: Registry[int] = Registry("nowhere")
    registry.add("nginx", 1)
    with pytest.raises(ValueError, match="unique name, not 'nginx'"):
        registry.add("nginx", 2)


def test_every_backend_is_listed_after_one_was_imported_alone():
    script = textwrap.dedent("""
        import strangler.backends.haproxy
        from strangler.backends import backends
        print(" ".join(backends()))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, timeout=60).stdout.split()
    assert out == ["gateway-api", "haproxy", "istio", "nginx"]
