from analyzer.boundaries.appgraph import AppGraph
from analyzer.boundaries.kernel import detect_kernel
from analyzer.boundaries.weights import resolve_weights
from tests.analyzer.boundaries.tools import dep, model, project


def kernel_of(graph, exclude=frozenset()):
    return [k.app for k in detect_kernel(AppGraph(graph, resolve_weights({})), exclude)]


def test_small_projects_have_no_kernel():
    assert kernel_of(project("abc", deps=[dep("a", "c"), dep("b", "c")])) == []


def test_stable_hub_is_kernel_but_busy_hub_is_not():
    deps = [dep(a, "core") for a in "abcd"] + [dep(a, "hub") for a in "abc"]
    deps += [dep("hub", x) for x in ("a", "b", "d")]
    graph = project(["a", "b", "c", "d", "core", "hub"], deps=deps)
    assert kernel_of(graph) == ["core"]  # hub: fan-in 3 of 5 but instability 0.5
    assert kernel_of(graph, exclude=frozenset({"core"})) == []


def test_user_model_app_needs_only_two_dependents():
    users = model("accounts.User", parents=("auth.AbstractUser",))
    deps = [dep("a", "accounts", "relation"), dep("b", "accounts", "relation")]
    apps = ["a", "b", "c", "d", "e", "accounts"]  # a majority would be 3 of the 5 others
    assert kernel_of(project(apps, [users], deps)) == ["accounts"]
    plain = project(apps, [model("accounts.Profile")], deps)
    assert kernel_of(plain) == []
