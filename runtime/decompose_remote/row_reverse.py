"""A reverse relation between two monolith models, on a row: ``review.answers`` where both
``Review`` and ``Answer`` (whose ``review`` key gives it) stay.

The mirror's RELATED_OBJECTS lists those the service's code names (accessor: [related model,
its key's field, one-to-one]), with the key's column allowlisted on the related model. A
key's accessor is a read-only manager over the related model's rows whose key holds the
row's: each use (``all()``, ``filter()``, ``count()``, ``exists()``...) is one bridge query,
``filter(review=pk)`` and what follows. A one-to-one's is the one row, or Django's
RelatedObjectDoesNotExist (the related model's DoesNotExist and an AttributeError:
``hasattr(row, "usage")`` is False). The rows are the monolith's: writing them is refused,
as the bridge writes nothing. (A moved model's key to a monolith row is the service's own
rows instead: ``local_reverse``.)
"""

from __future__ import annotations

from functools import cache
from typing import Any

from decompose_remote.row_many import ReadOnlyRows


class RowReverseManager(ReadOnlyRows):
    """``row.<accessor>``: the related model's rows whose ``field`` holds the row's key
    (``count()``, ``exists()``... on them too)."""

    def __init__(self, owner: str, name: str, model: Any, field: str, pk: Any) -> None:
        """``owner`` is the row's model label, ``name`` the accessor, ``model`` the related
        RemoteModel, ``field`` its key to the row's model, ``pk`` the row's key."""
        self.owner, self.name, self.model, self.field, self.pk = owner, name, model, field, pk
        self.accessor = f"{owner}.{name}"

    def all(self) -> Any:
        return self.model.objects.filter(**{self.field: self.pk})

    update = delete = bulk_create = ReadOnlyRows._read_only

    def __repr__(self) -> str:
        return (f"<RowReverseManager {self.owner}.{self.name} -> "
                f"{self.model.label}.{self.field}={self.pk!r}>")


def reverse_of(owner: str, name: str, model: Any, field: str, one: bool, pk: Any) -> Any:
    """``name`` on the row ``owner`` ``pk``: the manager of a key's rows, or a one-to-one's
    row (its RelatedObjectDoesNotExist when there is none)."""
    if not one:
        return RowReverseManager(owner, name, model, field, pk)
    try:
        return model.objects.get(**{field: pk})
    except model.DoesNotExist:
        raise _missing(model)(f"{owner} {pk} has no {name}.") from None


@cache
def _missing(model: Any) -> type[Exception]:
    """What a reverse one-to-one raises without a row, as Django's: the related model's
    DoesNotExist, and an AttributeError."""
    return type("RelatedObjectDoesNotExist", (model.DoesNotExist, AttributeError), {})
