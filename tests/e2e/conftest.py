"""One extracted shop for every end-to-end module: orders, reviews and payments, into one monolith.

Seeding, analysing, extracting and booting cost most of an end-to-end run, so the modules share
one stack; extracting both apps into one patched monolith copy is also what proves that a second
extraction keeps the first service's bridge access (allowlist and token audience merged).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.stack import Stack, extracted_stacks

EXTRACTED = ("orders", "reviews", "payments")


@pytest.fixture(scope="session")
def extracted_shop(tmp_path_factory) -> Iterator[dict[str, Stack]]:
    with extracted_stacks(EXTRACTED, tmp_path_factory.mktemp("e2e-shop")) as stacks:
        yield stacks


# Signed in on both sides: the monolith's headers (a real session cookie) and the service's
# (the token the monolith exchanged it for). ``stack`` is each module's own extracted service.
@pytest.fixture(scope="module")
def alice(stack: Stack) -> tuple[dict[str, str], dict[str, str]]:
    return stack.signed_in("alice")


@pytest.fixture(scope="module")
def admin(stack: Stack) -> tuple[dict[str, str], dict[str, str]]:
    return stack.signed_in("admin")
