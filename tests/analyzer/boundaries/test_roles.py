"""App roles on hand-built graphs: identity, hub (listed), library, layer, project, generated."""

from analyzer.boundaries.appgraph import AppGraph
from analyzer.boundaries.roles import detect_roles, kernel_apps
from analyzer.boundaries.weights import resolve_weights
from decompose.config import BoundarySettings
from decompose.model.graph import App, ProjectGraph
from tests.analyzer.boundaries.tools import SETTINGS, dep, model, project, relation_deps, shop


def roles(graph, settings=SETTINGS):
    return detect_roles(AppGraph(graph, resolve_weights({})), settings)


def tenant_project(extra_tables: int = 0) -> ProjectGraph:
    """A tenant model five of the six other apps point at; an API app reading three apps."""
    models = [model("tenants.Tenant"), *(model(f"tenants.T{i}") for i in range(extra_tables))]
    models += [model(f"{a}.{a.title()}", "tenants.Tenant") for a in ("bills", "docs", "jobs",
                                                                      "mail", "notes")]
    models += [model("misc.Misc")]
    deps = relation_deps(models) + [dep("api", a, "orm", 4) for a in ("bills", "docs", "jobs")]
    apps = ["api", "bills", "docs", "jobs", "mail", "misc", "notes", "tenants"]
    return project(apps, models, deps)


def test_hub_models_are_listed_and_make_a_kernel():
    found = roles(tenant_project())
    assert found["tenants"].role == "hub"
    assert found["tenants"].hub_models == ("tenants.Tenant",)
    assert "tenants.Tenant (FKs from 5 apps)" in found["tenants"].reason
    assert found["api"].role == "layer" and "bills, docs, jobs" in found["api"].reason
    assert kernel_apps(found) == ("tenants",)


def test_a_hub_holding_too_much_of_the_domain_stays_business():
    found = roles(tenant_project(extra_tables=5))  # 6 of 12 tables would be kernel
    assert found["tenants"].role == "business"
    assert "the kernel would hold 6 of 12 tables" in found["tenants"].reason


def test_identity_library_and_config_overrides():
    found = roles(shop())
    assert (found["accounts"].role, found["accounts"].hub_models) == ("identity",
                                                                     ("accounts.User",))
    assert found["core"].role == "library"
    forced = roles(shop(), BoundarySettings(roles={"core": "layer"}))
    assert forced["core"].role == "layer" and forced["core"].overridden


def test_project_package_and_generated_apps_are_never_services():
    base = project(["orders"], [model("orders.Order")])
    apps = (*base.apps, App("config", "config", "config", False),
            App("decompose_bridge", "decompose_bridge", "decompose_bridge", False))
    graph = ProjectGraph("config.settings", apps, base.models, base.dependencies)
    found = roles(graph)
    assert found["config"].role == "project"
    assert found["decompose_bridge"].role == "generated"
    assert kernel_apps(found) == ("config", "decompose_bridge")
