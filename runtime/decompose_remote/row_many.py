"""The many-to-many of a monolith row: ``code.tracks`` where both the row and its pairs stay.

The bridge sends such a field with the row as its target's keys, in the order the monolith
gives them, so ``count()``, ``exists()`` and ``values_list("pk", flat=True)`` are answered
from those keys, and ``all()`` (``filter()``, ``order_by()``, ``get()``...) asks for the
target's rows with one query (``pk__in``): the monolith's rows through its bridge (those the
request read already from its cache), or the service's own when the target moved. Unlike
``RemoteManyToMany`` (a moved model's pairs, kept by the service), these pairs are the
monolith's: writing them is refused, as the bridge writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from decompose_remote.errors import RemoteError

PK_NAMES = frozenset({"pk", "id"})


class ReadOnlyRows:
    """What the managers of a monolith row's related rows share (its many-to-many here, a
    key's reverse accessor in row_reverse): ``filter()``, ``order_by()``, ``get()``... and
    iteration on the rows of ``all()``; writes refused, as the bridge writes nothing."""

    accessor: str  # "talks.Talk.tracks", for the refusal
    kept = "rows"  # what stays in the monolith

    def all(self) -> Any:
        raise NotImplementedError

    def __getattr__(self, name: str) -> Any:
        """``filter()``, ``order_by()``, ``get()``, ``first()``...: on the rows of ``all()``."""
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.all(), name)

    def __iter__(self) -> Iterator[Any]:
        """The rows of ``all()``: a nested serializer (``many=True``) calls ``all()`` only on
        a Django manager, and iterates anything else."""
        return iter(self.all())

    def _read_only(self, *args: Any, **kwargs: Any) -> Any:
        raise RemoteError(
            f"{self.accessor} is read-only in this service: its {self.kept} stay in the "
            "monolith, whose bridge writes nothing, so change them in the monolith (keep this "
            "code there)")

    add = remove = set = clear = create = get_or_create = update_or_create = _read_only


class RowManyManager(ReadOnlyRows):
    """``row.<name>``: read-only, over the target's keys the row was sent with."""

    kept = "pairs"

    def __init__(self, owner: str, field: Any, keys: Sequence[Any]) -> None:
        """``owner`` is the row's model label, ``field`` its many-to-many field (the
        remote model's ``_meta`` one: ``related_model`` is the target), ``keys`` the
        target's keys."""
        self.owner, self.field, self.keys = owner, field, list(keys)
        self.model = field.related_model
        self.accessor = f"{owner}.{field.name}"

    def all(self) -> Any:
        """The target's rows: the monolith's read as ``RemoteModel.with_keys`` reads them
        (those the request has already, the others in one call), the service's own with one
        query."""
        from decompose_remote.models import RemoteModel  # which imports this module

        if isinstance(self.model, RemoteModel):
            return self.model.with_keys(self.keys)
        rows = self.model._default_manager
        return rows.filter(pk__in=self.keys) if self.keys else rows.none()

    def count(self) -> int:
        return len(self.keys)

    def exists(self) -> bool:
        return bool(self.keys)

    def values_list(self, *fields: str, flat: bool = False) -> Any:
        """``values_list("pk", flat=True)``: the keys, asked of no one; any other field is
        the target's rows' to answer."""
        if fields and set(fields) <= PK_NAMES:
            return list(self.keys) if flat else [(key,) * len(fields) for key in self.keys]
        return self.all().values_list(*fields, flat=flat)

    def __repr__(self) -> str:
        return f"<RowManyManager {self.owner}.{self.field.name} -> {self.keys}>"
