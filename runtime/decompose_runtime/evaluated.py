"""The rows of a QuerySet sent across the bridge, read as a QuerySet already evaluated.

A monolith function called from a service may return a QuerySet (taiga's
``get_history_queryset_by_model_instance(obj).count()``, pretalx's ``events_for_user(user)``);
its query means nothing to the other side, so its rows travel (the codec's ``$queryset``) and
arrive as this: ``count()``, ``exists()``, ``first()``, ``last()``, ``all()``, ``len()``,
``bool()``, iteration, indexing and slicing answer from those rows, in the order the query gave
them, as Django answers them on a QuerySet whose rows it holds. ``select_related()``,
``prefetch_related()``, ``only()``, ``defer()`` and ``using()`` only change how rows are
fetched, so they answer the same rows.

Moved code goes on refining what such a function returns (``.filter(...).order_by(...)``).
Where the decoding side can ask for the model's rows again (``requery``: the service reaches a
monolith model through its RemoteModel, its own moved models locally), any other call is that
query restricted to the rows' keys, then the call, so it runs with Django's semantics over the
same rows: ``order_by()``, ``values_list()``, ``get()``, a custom method are that query's
answer (a row the function's query gave twice, through a join, is one row of it);
``filter()`` and ``exclude()`` answer the rows the query matches, read again, in the order the
rows came (evaluated rows still), as Django keeps a QuerySet's ordering through them. Writes
(``update()``, ``delete()``...) are refused, and so is every other call where no query is
known for the label or the rows are no model rows (a ``values()`` QuerySet's dicts):
NotSupportedError naming it, rather than doing something else with the rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, overload

from django.db import NotSupportedError
from django.db.models import QuerySet

# The rows of a model (by label) as the decoding side queries them: a manager, or None.
Requery = Callable[[str], Any]

_WRITES = frozenset({"update", "delete", "create", "get_or_create", "update_or_create",
                     "bulk_create", "bulk_update"})
_SAME_ROWS = frozenset({"select_related", "prefetch_related", "only", "defer", "using"})
_SUBSETS = frozenset({"filter", "exclude"})



def installed_rows(label: str) -> Any:
    """``requery`` for a model this side installs: its default manager; None for any other."""
    from django.apps import apps  # the models load with the app registry

    try:
        return apps.get_model(label)._default_manager
    except (LookupError, ValueError):
        return None

class EvaluatedQuerySet:
    """The rows of a ``label`` ("history.HistoryEntry") QuerySet evaluated on the other side;
    ``requery`` gives the query their refinements run as (None: refinements are refused)."""

    def __init__(self, label: str, rows: list[Any], requery: Requery | None = None) -> None:
        self.label = label
        self._rows = rows
        self._requery = requery

    def _with(self, rows: list[Any]) -> EvaluatedQuerySet:
        return EvaluatedQuerySet(self.label, rows, self._requery)

    def count(self) -> int:
        return len(self._rows)

    def exists(self) -> bool:
        return bool(self._rows)

    def first(self) -> Any:
        return self._rows[0] if self._rows else None

    def last(self) -> Any:
        return self._rows[-1] if self._rows else None

    def all(self) -> EvaluatedQuerySet:
        return self._with(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def tolist(self) -> list[Any]:
        """The rows: DRF's JSON encoder renders a Django QuerySet as its rows, and another
        iterable only when it answers ``tolist()`` (numpy's arrays)."""
        return list(self._rows)

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
            return self._with(self._rows[index])
        return self._rows[index]

    def __getattr__(self, name: str) -> Callable[..., Any]:
        """The rest of Django's QuerySet methods: the same rows, the refined query's answer,
        or refused when called, with what they are."""
        if name.startswith("_") or not callable(getattr(QuerySet, name, None)):
            raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

        def same_rows(*args: Any, **kwargs: Any) -> EvaluatedQuerySet:
            return self

        def refined(*args: Any, **kwargs: Any) -> Any:
            query = self._query(name)
            answer = getattr(query, name)(*args, **kwargs)
            if name not in _SUBSETS:
                return answer
            found = {str(row.pk): row for row in answer}
            return self._with([found[str(row.pk)] for row in self._rows
                               if str(row.pk) in found])

        return same_rows if name in _SAME_ROWS else refined

    def _query(self, name: str) -> Any:
        """The rows' model restricted to their keys, as ``requery`` queries it."""
        kind = "writes" if name in _WRITES else "would run a new query"
        source = None if name in _WRITES or self._requery is None else self._requery(self.label)
        keys = [getattr(row, "pk", None) for row in self._rows]
        if source is None or None in keys:
            raise NotSupportedError(
                f"{name}() {kind}: these {self.label} rows were sent by the other side of the "
                "bridge as a QuerySet's result; ask it (a query of the remote model, or a "
                "function of the monolith) for what you need")
        return source.filter(pk__in=keys) if keys else source.none()

    def __repr__(self) -> str:
        return f"<EvaluatedQuerySet {self.label} {self._rows!r}>"
