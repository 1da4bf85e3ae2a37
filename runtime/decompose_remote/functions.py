"""Monolith functions called from moved code as if they were local.

``reserve_stock = remote_function("inventory.services.reserve_stock")`` in a mirror module keeps
``reserve_stock(product.pk, 2)`` working; the call runs in the monolith, in its own transaction,
and is never retried (see client.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from decompose_remote.client import get_client
from decompose_remote.models import decode
from decompose_runtime import codec


def call(target: str, *args: Any, **kwargs: Any) -> Any:
    """Run the monolith's ``target`` (a dotted name in its allowlist) and return its result."""
    answer = get_client().post("rpc", {"op": "call", "target": target,
                                       "args": codec.encode(list(args)),
                                       "kwargs": codec.encode(kwargs)}, idempotent=False)
    return decode(answer.get("result"))


def remote_function(target: str) -> Callable[..., Any]:
    """A local callable named like the monolith's ``target`` that forwards to it."""
    name = target.rpartition(".")[2]

    def forward(*args: Any, **kwargs: Any) -> Any:
        return call(target, *args, **kwargs)

    forward.__name__ = forward.__qualname__ = name
    forward.__doc__ = f"Calls the monolith's {target} over HTTP (never retried)."
    return forward
