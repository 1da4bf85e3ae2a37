import json

import pytest

from decompose.errors import DecomposeError, SchemaError
from decompose.model import (
    GRAPH_SCHEMA_VERSION,
    App,
    Dependency,
    DependencyKind,
    Diagnostic,
    DiagnosticLevel,
    Location,
    Model,
    ProjectGraph,
    Relation,
    RelationKind,
    SettingDefinition,
    SettingForm,
    SettingsFacts,
    SettingValue,
    upgrade_graph,
)
from decompose.serialize import atomic_directory, dumps, from_data, read_json, write_text_atomic


def small_graph(order: int = 1) -> ProjectGraph:
    apps = [App("orders", "shop.orders", "shop/orders", False),
            App("auth", "django.contrib.auth", None, True)]
    deps = [Dependency("orders", "catalog", DependencyKind.IMPORT, 2,
                       (Location("shop/orders/views.py", 9), Location("shop/orders/api.py", 3))),
            Dependency("orders", "catalog", DependencyKind.RELATION, 1,
                       (Location("shop/orders/models.py", 12),))]
    return ProjectGraph(
        settings_module="shop.settings",
        apps=tuple(apps[::order]),
        models=(Model("orders.Order", "orders", "orders_order", False, False,
                      Location("shop/orders/models.py", 5), relations=(
                          Relation("product", "models.ForeignKey", RelationKind.FOREIGN_KEY,
                                   "catalog.Product", Location("shop/orders/models.py", 12),
                                   on_delete="PROTECT"),)),),
        dependencies=tuple(deps[::order]),
        warnings=(Diagnostic(DiagnosticLevel.WARNING, "syntax-error", "invalid syntax",
                             Location("shop/broken.py", 3)),),
        settings=SettingsFacts(".", app_list=SettingDefinition(
            "LOCAL_APPS", Location("shop/settings.py", 4), SettingForm.TUPLE), values=(
                SettingValue("REST_FRAMEWORK", Location("shop/settings.py", 9),
                             {"PAGE_SIZE": 20, "DEFAULT_FILTER_BACKENDS": ["a.B"]}),
                SettingValue("LIMIT", Location("shop/settings.py", 8), opaque=True,
                             expression="int(os.environ['LIMIT'])"))[::order]),
    )


def test_graph_round_trips_through_json():
    graph = small_graph()
    assert from_data(ProjectGraph, json.loads(dumps(graph))) == graph


def test_dumps_is_canonical_regardless_of_input_order():
    assert dumps(small_graph(1)) == dumps(small_graph(-1))
    text = dumps(small_graph())
    assert text.endswith("}\n")
    assert '"shop/orders/api.py:3"' in text  # locations are path:line strings, sorted
    assert text.index("api.py:3") < text.index("views.py:9")


def test_read_json_refuses_unknown_schema_version(tmp_path):
    path = tmp_path / "graph.json"
    path.write_text(dumps(small_graph()).replace(f'"schema_version": {GRAPH_SCHEMA_VERSION}',
                                                 '"schema_version": 99'))
    with pytest.raises(SchemaError, match="schema_version 99"):
        read_json(path, ProjectGraph, schema_version=GRAPH_SCHEMA_VERSION)


def test_a_graph_of_schema_version_1_is_read_without_settings(tmp_path):
    path = tmp_path / "graph.json"
    data = json.loads(dumps(small_graph()))
    del data["settings"]
    path.write_text(json.dumps({**data, "schema_version": 1}))
    graph = read_json(path, ProjectGraph, schema_version=GRAPH_SCHEMA_VERSION,
                      upgrade=upgrade_graph)
    assert graph.settings is None and graph.models == small_graph().models
    with pytest.raises(SchemaError, match="schema_version 1"):
        read_json(path, ProjectGraph, schema_version=GRAPH_SCHEMA_VERSION)


def test_read_json_names_the_file_on_bad_shapes(tmp_path):
    path = tmp_path / "graph.json"
    path.write_text('{"schema_version": 1, "apps": "nope"}')
    with pytest.raises(SchemaError) as info:
        read_json(path, ProjectGraph, schema_version=1)
    assert str(path) in str(info.value)
    path.write_text("{not json")
    with pytest.raises(SchemaError, match="not valid JSON"):
        read_json(path, ProjectGraph, schema_version=1)


def test_write_text_atomic_leaves_no_temp_files(tmp_path):
    target = tmp_path / "sub" / "out.txt"
    write_text_atomic(target, "one\n")
    write_text_atomic(target, "two\n")
    assert target.read_text() == "two\n"
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]


def test_atomic_directory_keeps_old_output_when_generation_fails(tmp_path):
    final = tmp_path / "service"
    final.mkdir()
    (final / "kept.txt").write_text("old")
    with pytest.raises(RuntimeError), atomic_directory(final, replace=True) as staging:
        (staging / "half.txt").write_text("half")
        raise RuntimeError("boom")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["service"]
    assert [p.name for p in final.iterdir()] == ["kept.txt"]


def test_atomic_directory_removes_the_folders_it_made_when_generation_fails(tmp_path):
    (tmp_path / "kept").mkdir()
    final = tmp_path / "services" / "nested" / "orders"
    with pytest.raises(RuntimeError), atomic_directory(final) as staging:
        (staging / "half.txt").write_text("half")
        raise RuntimeError("boom")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["kept"]


def test_atomic_directory_replaces_only_when_asked(tmp_path):
    final = tmp_path / "service"
    with atomic_directory(final) as staging:
        (staging / "a.txt").write_text("a")
    assert (final / "a.txt").read_text() == "a"
    with pytest.raises(DecomposeError, match="output exists"), atomic_directory(final) as staging:
        (staging / "b.txt").write_text("b")
    with atomic_directory(final, replace=True) as staging:
        (staging / "b.txt").write_text("b")
    assert [p.name for p in final.iterdir()] == ["b.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["service"]


def test_negative_zero_is_written_as_zero():
    assert dumps({"q": -0.0, "r": [0.0, -0.0, -1.5]}) == dumps({"q": 0.0, "r": [0.0, 0.0, -1.5]})
