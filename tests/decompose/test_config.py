import pytest

from decompose.config import load_config
from decompose.errors import ConfigError


def test_no_config_is_an_empty_table(tmp_path):
    source = load_config(tmp_path)
    assert source.path is None
    assert source.table == {}


def test_pyproject_table_is_read(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.decompose.weights]\nimport = 2.5\n')
    source = load_config(tmp_path)
    assert source.path == tmp_path / "pyproject.toml"
    assert source.table == {"weights": {"import": 2.5}}


def test_decompose_toml_wins_over_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.decompose]\nfrom = "pyproject"\n')
    (tmp_path / "decompose.toml").write_text('from = "own"\n')
    assert load_config(tmp_path).table == {"from": "own"}


def test_invalid_toml_names_file_and_line(tmp_path):
    (tmp_path / "decompose.toml").write_text('ok = 1\nbroken = \n')
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert str(info.value).startswith(f"{tmp_path / 'decompose.toml'}:2: invalid TOML")
