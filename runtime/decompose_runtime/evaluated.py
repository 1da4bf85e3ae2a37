"""The rows of a QuerySet sent across the bridge, read as a QuerySet already evaluated.

A monolith function called from a service may return a QuerySet (taiga's
``get_history_queryset_by_model_instance(obj).count()``); its query means nothing to the
service, so its rows travel (the codec's ``$queryset``) and arrive as this: ``count()``,
``exists()``, ``first()``, ``last()``, ``all()``, ``len()``, ``bool()``, iteration, indexing
and slicing answer from those rows, in the order the query gave them, as Django answers them on
a QuerySet whose rows it holds. What would build a new query (``filter()``, ``order_by()``,
``values()``...) or write (``update()``, ``delete()``...) raises NotSupportedError naming it,
rather than doing something else with the rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, NoReturn, overload

from django.db import NotSupportedError
from django.db.models import QuerySet

_WRITES = frozenset({"update", "delete", "create", "get_or_create", "update_or_create",
                     "bulk_create", "bulk_update"})


class EvaluatedQuerySet:
    """The rows of a ``label`` ("history.HistoryEntry") QuerySet evaluated on the other side."""

    def __init__(self, label: str, rows: list[Any]) -> None:
        self.label = label
        self._rows = rows

    def count(self) -> int:
        return len(self._rows)

    def exists(self) -> bool:
        return bool(self._rows)

    def first(self) -> Any:
        return self._rows[0] if self._rows else None

    def last(self) -> Any:
        return self._rows[-1] if self._rows else None

    def all(self) -> EvaluatedQuerySet:
        return EvaluatedQuerySet(self.label, self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __bool__(self) -> bool:
        return bool(self._rows)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows)

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> EvaluatedQuerySet: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return EvaluatedQuerySet(self.label, self._rows[index])
        return self._rows[index]

    def __getattr__(self, name: str) -> Callable[..., NoReturn]:
        """The rest of Django's QuerySet methods: refused when called, with what they are."""
        if name.startswith("_") or not callable(getattr(QuerySet, name, None)):
            raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

        def refused(*args: Any, **kwargs: Any) -> NoReturn:
            kind = "writes" if name in _WRITES else "would run a new query"
            raise NotSupportedError(
                f"{name}() {kind}: these {self.label} rows were sent by the other side of the "
                "bridge as a QuerySet's result; ask it (a query of the remote model, or a "
                "function of the monolith) for what you need")

        return refused

    def __repr__(self) -> str:
        return f"<EvaluatedQuerySet {self.label} {self._rows!r}>"
