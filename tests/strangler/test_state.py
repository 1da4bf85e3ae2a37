import tomllib
from datetime import UTC, datetime

import pytest

from decompose.errors import ConfigError, DecomposeError
from decompose.model import RoutingState, Stage
from strangler import state as routing

T1 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
T2 = datetime(2025, 3, 2, 8, 30, tzinfo=UTC)


def test_no_config_is_the_default_state(tmp_path):
    loaded = routing.load_state(tmp_path)
    assert loaded.state == RoutingState()
    assert loaded.path is None
    assert loaded.state.monolith == "web:8000"


def test_first_use_needs_apps():
    with pytest.raises(DecomposeError, match="--apps"):
        routing.ensure_service(RoutingState(), "orders")


def test_moves_append_history_and_write_a_diff(tmp_path):
    loaded = routing.load_state(tmp_path)
    state = routing.ensure_service(loaded.state, "orders", apps=["orders"])
    assert state.service("orders").upstream == "orders:8000"
    state = routing.move(state, "orders", Stage.PERCENT, T1, percent=10)
    written = routing.save_state(tmp_path, loaded, state)
    assert "+weight = 10" in written.diff and written.diff.startswith("--- a/decompose.toml")

    loaded = routing.load_state(tmp_path)
    assert loaded.state == state
    state = routing.move(loaded.state, "orders", Stage.OFF, T2)
    written = routing.save_state(tmp_path, loaded, state)
    assert '-stage = "percent"\n-weight = 10\n+stage = "off"\n+weight = 0\n' in written.diff
    history = routing.load_state(tmp_path).state.service("orders").history
    assert [(h.at, h.stage, h.weight) for h in history] == [(T1, Stage.PERCENT, 10),
                                                            (T2, Stage.OFF, 0)]
    assert routing.save_state(tmp_path, routing.load_state(tmp_path), state).diff == ""


def test_percent_edges_become_stages():
    state = routing.ensure_service(RoutingState(), "orders", apps=["orders"])
    assert routing.move(state, "orders", Stage.PERCENT, T1, percent=100).services[0].stage \
        is Stage.FULL
    assert routing.move(state, "orders", Stage.PERCENT, T1, percent=0).services[0].stage \
        is Stage.OFF
    shadow = routing.move(state, "orders", Stage.SHADOW, T1, shadow_sample=5).services[0]
    assert (shadow.weight, shadow.shadow_sample) == (0, 5)
    with pytest.raises(DecomposeError, match="between 0 and 100"):
        routing.move(state, "orders", Stage.PERCENT, T1, percent=101)


def test_other_settings_survive_and_pyproject_table_moves_to_decompose_toml(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.decompose.weights]\nimport = 2.5\n')
    loaded = routing.load_state(tmp_path)
    state = routing.ensure_service(loaded.state, "orders", apps=["orders"])
    routing.save_state(tmp_path, loaded, state)
    table = tomllib.loads((tmp_path / "decompose.toml").read_text())
    assert table["weights"] == {"import": 2.5}
    assert table["routing"]["services"]["orders"]["apps"] == ["orders"]


def test_malformed_state_names_the_file(tmp_path):
    (tmp_path / "decompose.toml").write_text('[routing]\nmonolith = 5\n')
    with pytest.raises(ConfigError, match=r"toml:2: routing\.monolith must be HOST:PORT, got 5$"):
        routing.load_state(tmp_path)
    (tmp_path / "decompose.toml").write_text(
        '[routing.services.orders]\napps = ["orders"]\nweight = 400\n')
    with pytest.raises(ConfigError) as info:
        routing.load_state(tmp_path)
    assert str(info.value).startswith(str(tmp_path / "decompose.toml"))



def test_a_wrong_value_in_pyproject_names_its_line_too(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "shop"\n\n[tool.decompose.routing.services.orders]\n'
        'apps = ["orders"]\nstage = "percent"\nweight = 10.5\n')
    with pytest.raises(ConfigError) as info:
        routing.load_state(tmp_path)
    assert str(info.value) == (f"{tmp_path / 'pyproject.toml'}:7: routing.services.orders.weight "
                               "must be an integer from 0 to 100, got 10.5")
