"""Allowlist values, the allowlist module rendered for the bridge, and the runtime's pin."""

from __future__ import annotations

import runpy

import pytest

from extractor.bridge import (
    Allowlist,
    AllowlistError,
    InstalledBridge,
    ModelAccess,
    installed_bridge,
    render_bridge,
)
from extractor.runtime import runtime_requirement

PRODUCT = ModelAccess("catalog.Product", ("price", "name", "id", "name"), chains=("active",))


def test_empty_allowlist_renders_a_bridge_that_allows_nothing(tmp_path):
    written = render_bridge(Allowlist(), ("orders",), tmp_path)
    assert written == ["decompose_allowlist.py"]
    values = runpy.run_path(str(tmp_path / "decompose_allowlist.py"))
    assert values["FUNCTIONS"] == frozenset() and values["MODELS"] == {}
    assert values["SERVICES"] == ["orders"] and values["APP_LABELS"] == []


def test_allowlist_values_are_normalised():
    allowlist = Allowlist(
        functions=("promotions.services.redeemable_coupon", "inventory.services.reserve_stock",
                   "inventory.services.reserve_stock"),
        models=(ModelAccess("promotions.Coupon", ("code",), methods=("discount_for",)), PRODUCT))
    assert allowlist.functions == ("inventory.services.reserve_stock",
                                   "promotions.services.redeemable_coupon")
    assert [m.label for m in allowlist.models] == ["catalog.Product", "promotions.Coupon"]
    assert PRODUCT.fields == ("id", "name", "price")


def test_rendered_allowlist_holds_exactly_the_allowlist(tmp_path):
    allowlist = Allowlist(("inventory.services.reserve_stock",), (PRODUCT,))
    render_bridge(allowlist, ("reviews", "orders"), tmp_path)
    values = runpy.run_path(str(tmp_path / "decompose_allowlist.py"))
    assert values["FUNCTIONS"] == frozenset({"inventory.services.reserve_stock"})
    assert values["MODELS"] == {"catalog.Product": {
        "fields": ["id", "name", "price"], "methods": [], "chains": ["active"]}}
    assert values["SERVICES"] == ["orders", "reviews"]


def test_no_installed_bridge_reads_as_empty(tmp_path):
    assert installed_bridge(tmp_path) == InstalledBridge()


def test_an_installed_bridge_is_read_back_and_merged_with_a_new_extraction(tmp_path):
    """A second extraction must keep the first service's access and token audience."""
    orders = Allowlist(("inventory.services.reserve_stock",), (PRODUCT,))
    render_bridge(orders, ("orders",), tmp_path)
    installed = installed_bridge(tmp_path)
    assert installed == InstalledBridge(orders, ("orders",))
    reviews = Allowlist((), (ModelAccess("catalog.Product", ("slug",), methods=("url",)),
                             ModelAccess("accounts.User", ("username",))))
    merged = installed.allowlist.union(reviews)
    assert merged.functions == ("inventory.services.reserve_stock",)
    assert {m.label: (m.fields, m.methods, m.chains) for m in merged.models} == {
        "accounts.User": (("username",), (), ()),
        "catalog.Product": (("id", "name", "price", "slug"), ("url",), ("active",))}


def test_an_unreadable_installed_allowlist_is_a_one_line_error(tmp_path):
    (tmp_path / "decompose_allowlist.py").write_text("MODELS = load()\n")
    with pytest.raises(AllowlistError, match="MODELS is not a literal"):
        installed_bridge(tmp_path)


def test_rendering_is_deterministic(tmp_path):
    allowlist = Allowlist(("inventory.services.reserve_stock",), (PRODUCT,))
    first = render_bridge(allowlist, ("orders",), tmp_path / "a")
    second = render_bridge(allowlist, ("orders",), tmp_path / "b")
    assert first == second
    for name in first:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


@pytest.mark.parametrize(("version", "pin"), [
    ("0.1.0", "decompose-runtime>=0.1.0,<0.2"), ("1.9.3", "decompose-runtime>=1.9.3,<1.10")])
def test_services_pin_the_runtime_up_to_its_next_minor_version(version, pin):
    assert runtime_requirement(version) == pin


@pytest.mark.parametrize(("make", "message"), [
    (lambda: Allowlist(functions=("reserve_stock",)), "must be a dotted path"),
    (lambda: Allowlist(models=(PRODUCT, PRODUCT)), "listed twice"),
    (lambda: ModelAccess("Product", ("id",)), "must look like 'catalog.Product'"),
    (lambda: ModelAccess("catalog.Product", ("_state",)), "public identifier"),
    (lambda: ModelAccess("catalog.Product", ("id",), methods=("a-b",)), "public identifier"),
])
def test_bad_entries_are_refused(make, message):
    with pytest.raises(AllowlistError, match=message):
        make()


def test_bad_service_names_are_refused(tmp_path):
    with pytest.raises(AllowlistError, match="lowercase DNS label"):
        render_bridge(Allowlist(), ("Orders",), tmp_path)
    assert not (tmp_path / "decompose_allowlist.py").exists()
