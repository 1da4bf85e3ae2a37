"""Monolith functions the bridge under test may call."""

from decimal import Decimal

from django.contrib.auth.models import User
from django.db.models import QuerySet


def total(prices: list[Decimal], quantity: int) -> Decimal:
    return sum(prices, Decimal(0)) * quantity


def users_after(username: str, join: str = "") -> "QuerySet[User]":
    """A queryset, as taiga's get_history_queryset_by_model_instance returns one; ``join``
    adds a user first, so a refused answer shows whether the call was undone."""
    if join:
        User.objects.create(username=join)
    return User.objects.filter(username__gt=username).order_by("username")


def note_texts() -> list[str]:
    """The notes of the scope the call runs in (a scoped manager: none outside a scope)."""
    from runtime_test_scoped.models import Note

    return sorted(Note.objects.values_list("text", flat=True))
