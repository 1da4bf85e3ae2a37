"""Typed boundary settings from the config table and the command line."""

import pytest

from decompose.config import (
    AppGroup,
    BoundarySettings,
    ConfigSource,
    ServicePin,
    boundary_settings,
    load_config,
)
from decompose.errors import ConfigError


def test_no_config_gives_defaults():
    assert boundary_settings(ConfigSource(None)) == BoundarySettings()


def test_full_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text("""
[tool.decompose]
keep_together = [["orders", "payments"]]
keep_apart = [["catalog", "orders"]]
shared_kernel = ["core"]
seed = 7
ned_bounds = [3, 25]
cost = {fk = 2, read = 0}
roles = {graphql = "layer", core = "kernel"}
[tool.decompose.weights]
import = 0.5
[tool.decompose.services]
checkout = ["orders", "payments"]
[tool.decompose.services.search]
apps = ["catalog"]
upstream = "127.0.0.1:9000"
[tool.decompose.services.routing-only]
upstream = "127.0.0.1:9001"
""")
    settings = boundary_settings(load_config(tmp_path), services=3,
                                 keep_together=["reviews,catalog"], keep_apart=["a,b,c"])
    assert settings.weights == {"import": 0.5}
    assert settings.services == 3 and settings.seed == 7 and settings.ned_bounds == (3, 25)
    assert settings.shared_kernel == ("core",)
    assert settings.cost == {"fk": 2.0, "read": 0.0}
    assert settings.roles == {"core": "kernel", "graphql": "layer"}
    assert settings.keep_together == (
        AppGroup(("orders", "payments"), "keep_together orders,payments in pyproject.toml"),
        AppGroup(("reviews", "catalog"), "--keep-together reviews,catalog"))
    assert settings.keep_apart[1] == AppGroup(("a", "b", "c"), "--keep-apart a,b,c")
    assert settings.pins == (
        ServicePin("checkout", ("orders", "payments"), "services.checkout in pyproject.toml"),
        ServicePin("search", ("catalog",), "services.search in pyproject.toml"))


@pytest.mark.parametrize(("text", "message"), [
    ("[weights]\nimprt = 1\n", "weights: unknown dependency kind 'imprt'"),
    ("[weights]\nimport = -1\n", "weights.import must be a number >= 0"),
    ("keep_together = [['orders']]\n", "needs two or more distinct apps"),
    ("keep_apart = 'orders,payments'\n", "keep_apart must be a list of lists"),
    ("[services]\nx = ['orders']\ny = ['orders']\n", "pinned to both services 'x' and 'y'"),
    ("[services]\nx = 'orders'\n", "services.x must be a list of app labels"),
    ("ned_bounds = [5, 2]\n", "ned_bounds must be [low, high]"),
    ("seed = 'x'\n", "seed must be an integer"),
    ("cost = {fks = 1}\n", "cost: unknown key 'fks' (known: fk, transaction, read)"),
    ("cost = {read = -1}\n", "cost.read must be a number >= 0"),
    ("roles = {api = 'edge'}\n", "roles.api: unknown role 'edge'"),
])
def test_invalid_values_name_the_file(tmp_path, text, message):
    (tmp_path / "decompose.toml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        boundary_settings(load_config(tmp_path))
    assert str(caught.value).startswith(str(tmp_path / "decompose.toml"))
    assert message in str(caught.value)


@pytest.mark.parametrize(("options", "message"), [
    ({"keep_together": ["orders"]}, "--keep-together orders: give two or more"),
    ({"keep_apart": ["orders,,payments"]}, "--keep-apart orders,,payments"),
    ({"services": 0}, "--services 0: need at least one service"),
])
def test_invalid_cli_values(options, message):
    with pytest.raises(ConfigError, match=message):
        boundary_settings(ConfigSource(None), **options)
