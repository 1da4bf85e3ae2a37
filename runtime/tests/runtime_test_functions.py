"""Monolith functions the bridge under test may call."""

from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet


def total(prices: list[Decimal], quantity: int) -> Decimal:
    return sum(prices, Decimal(0)) * quantity


def users_after(username: str, join: str = "", order: str = "username") -> "QuerySet[User]":
    """A queryset, as taiga's get_history_queryset_by_model_instance returns one; ``join``
    adds a user first, so a refused answer shows whether the call was undone."""
    if join:
        User.objects.create(username=join)
    return User.objects.filter(username__gt=username).order_by(order)


def note_texts() -> list[str]:
    """The notes of the scope the call runs in (a scoped manager: none outside a scope)."""
    from runtime_test_scoped.models import Note

    return sorted(Note.objects.values_list("text", flat=True))


def user_values() -> "QuerySet[User, dict[str, Any]]":
    """A values() queryset: its rows are dicts, no model rows."""
    return User.objects.values("username").order_by("username")


def bookmarks_of(owner_id: int) -> "QuerySet[Any]":
    """Rows of a moved model (runtime_test_pairs is the service's), as a monolith function
    sharing the database may still return them."""
    from runtime_test_pairs.models import Bookmark

    return Bookmark.objects.filter(owner_id=owner_id).order_by("url")


def who(user: AnonymousUser | User) -> tuple[str, bool, AnonymousUser | User]:
    """What the monolith received for ``user``, and the user itself sent back."""
    return type(user).__qualname__, user.is_anonymous, user


def conferences() -> "QuerySet[Any]":
    """Rows whose ``name`` is a custom field's object (runtime_test_i18n)."""
    from runtime_test_i18n.models import Conference

    return Conference.objects.order_by("slug")


def conference_name(slug: str) -> Any:
    """A custom field's object alone, with no row (hence no field) to travel as."""
    from runtime_test_i18n.models import Conference

    return Conference.objects.get(slug=slug).name


def ordered_usernames(users: "QuerySet[User]", order: str) -> tuple[list[str], int]:
    """A QuerySet argument refined and matched by the monolith, as pretalx's
    ``speakers_for_user(..., submissions=...)`` does with ``submissions_for_user``'s."""
    return ([user.username for user in users.order_by(order)],
            User.objects.filter(pk__in=users).count())
