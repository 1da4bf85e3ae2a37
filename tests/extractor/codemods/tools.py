"""``check_noop`` / ``check_transformed`` for extraction codemods (django-upgrade's style)."""

from __future__ import annotations

import textwrap

from decompose.model import Handling, MirrorModule, MirrorName, Rewrite
from extractor.codemods import transform
from extractor.codemods.base import Boundary, MovedModel, ReplacedRelation, ThroughTable

# A small orders-like boundary: Order/OrderLine moved, user/product/address left behind.
BOUNDARY = Boundary(
    models=(
        MovedModel("orders.Order", "orders.models", "orders_order", False,
                   (("lines", "orders.OrderLine"),)),
        MovedModel("orders.OrderLine", "orders.models", "orders_orderline", False,
                   (("order", "orders.Order"),)),
    ),
    replaced=(
        ReplacedRelation("orders.Order", "user", "accounts.User", "BigIntegerField"),
        ReplacedRelation("orders.OrderLine", "product", "catalog.Product", "IntegerField"),
        ReplacedRelation("orders.Order", "tags", "catalog.Tag", "IntegerField",
                         through=ThroughTable("Order_tags", "orders_order_tags", "order",
                                              "tag_id")),
    ),
    mirrors=(
        MirrorModule("catalog.models", (
            MirrorName("Product", Handling.REMOTE_MODEL, "catalog.Product"),)),
        MirrorModule("inventory.services", (
            MirrorName("InsufficientStock", Handling.REMOTE_EXCEPTION,
                       "inventory.services.InsufficientStock"),
            MirrorName("reserve_stock", Handling.REMOTE_FUNCTION,
                       "inventory.services.reserve_stock"),
        )),
    ),
    lost_accessors=frozenset({"shipments"}),
)


def run(source: str, module: str = "orders.models") -> tuple[str, tuple[Rewrite, ...]]:
    source = textwrap.dedent(source)
    outcome = transform(source, module.replace(".", "/") + ".py", module, BOUNDARY)
    return outcome.text, outcome.rewrites


def check_noop(source: str, module: str = "orders.models") -> None:
    text, rewrites = run(source, module)
    assert text == textwrap.dedent(source)
    assert rewrites == ()


def check_transformed(source: str, expected: str, module: str = "orders.models"
                      ) -> tuple[Rewrite, ...]:
    text, rewrites = run(source, module)
    assert text == textwrap.dedent(expected)
    assert rewrites
    return rewrites
