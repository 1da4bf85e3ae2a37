"""Rendering: golden files per target, byte-identical output, validation before replacement."""

from pathlib import Path

import pytest

from decompose.errors import ValidationFailed
from decompose.model import Overrides, Stage
from strangler.backends import backends, get_backend
from strangler.plan import build_plan
from strangler.publish import publish
from tests.strangler.sample import SAMPLE_URLS, orders_state

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "proxy"
CASES = {
    "off": {"stage": Stage.OFF, "weight": 0},
    "percent": {"weight": 10, "auth_exchange": True},
    "shadow": {"stage": Stage.SHADOW, "weight": 0, "sample": 25, "auth_exchange": True},
    "full-no-overrides": {"stage": Stage.FULL, "weight": 100,
                          "overrides": Overrides(enabled=False)},
}


def plan_for(case: str):
    state = orders_state("web:8000", "orders:8000", **CASES[case])
    return build_plan(state, SAMPLE_URLS, listen="8080", runtime_dir="/srv/decompose/proxy")


@pytest.mark.parametrize("target", sorted(backends()))
@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(target, case, request):
    for name, text in get_backend(target).render(plan_for(case)).items():
        golden = GOLDEN / f"{case}.{name.replace('/', '.')}"
        if request.config.getoption("--update-golden"):
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(text, encoding="utf-8")
        assert text == golden.read_text(encoding="utf-8"), f"{golden} differs"


@pytest.mark.parametrize("target", sorted(backends()))
def test_render_is_deterministic(target):
    backend = get_backend(target)
    assert backend.render(plan_for("percent")) == backend.render(plan_for("percent"))


@pytest.mark.parametrize("target", sorted(backends()))
def test_published_files_pass_the_real_validator(target, tmp_path):
    # Compose / Kubernetes Service names: what every target accepts (nginx checks them as
    # loopback, the Kubernetes targets refuse IP addresses).
    plan = build_plan(orders_state("web:8000", "orders:8000"), SAMPLE_URLS,
                      listen="127.0.0.1:1", runtime_dir=str(tmp_path))
    result = publish(get_backend(target), plan, tmp_path)
    assert result.written and result.diffs
    assert publish(get_backend(target), plan, tmp_path).written == ()  # nothing changed


def test_invalid_config_is_refused_and_the_old_file_kept(tmp_path):
    good = build_plan(orders_state("127.0.0.1:9", "127.0.0.1:10"), SAMPLE_URLS,
                      listen="127.0.0.1:1", runtime_dir=str(tmp_path))
    publish(get_backend("nginx"), good, tmp_path)
    before = (tmp_path / "nginx.conf").read_text()
    bad = build_plan(orders_state("127.0.0.1:9", "127.0.0.1:10"), SAMPLE_URLS,
                     listen="127.0.0.1:notaport", runtime_dir=str(tmp_path))
    with pytest.raises(ValidationFailed, match="nginx rejected the config"):
        publish(get_backend("nginx"), bad, tmp_path)
    assert (tmp_path / "nginx.conf").read_text() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_unresolvable_compose_names_are_checked_as_loopback(tmp_path):
    plan = build_plan(orders_state("web:8000", "orders:8000"), SAMPLE_URLS, listen="8080",
                      runtime_dir=str(tmp_path))
    result = publish(get_backend("nginx"), plan, tmp_path)
    assert any("'orders' does not resolve here" in w for w in result.warnings)
    assert "server orders:8000;" in (tmp_path / "nginx.conf").read_text()
