"""What replaces ``transaction.atomic`` around code that writes rows and then calls the monolith.

The monolith can only see rows that are committed, so they cannot stay in one local transaction
with the calls that need them. ``compensate_on_error`` lets every write commit at once and, if
the block raises, deletes the rows it created (newest first, cascading like Django's delete)
before re-raising. Calls the monolith already ran are NOT undone: that compensation is the
application's, and EXTRACTION.md lists every place that needs it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import ContextDecorator
from contextvars import ContextVar
from typing import Any

from django.db import DatabaseError, models
from django.db.models.signals import post_save

from decompose_runtime.events.recording import hold_events

logger = logging.getLogger(__name__)

_created: ContextVar[list[models.Model] | None] = ContextVar("decompose_created", default=None)


def _remember(sender: type[models.Model], instance: models.Model, created: bool,
              **kwargs: Any) -> None:
    rows = _created.get()
    if created and rows is not None:
        rows.append(instance)


post_save.connect(_remember, weak=False, dispatch_uid="decompose_remote.transactions")


def compensate_on_error(func: Callable[..., Any] | None = None) -> Any:
    """Use like ``transaction.atomic``: ``@compensate_on_error``, ``@compensate_on_error()`` or
    ``with compensate_on_error():``."""
    return _Compensation()(func) if callable(func) else _Compensation()


class _Compensation(ContextDecorator):
    """Track rows created (``save``/``create``) inside; delete them again on an exception.
    Forwarded signals sent inside become outbox rows only when the block succeeds."""

    def __enter__(self) -> _Compensation:
        self._token = _created.set([])
        self._events = hold_events()
        self._events.__enter__()
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: Any) -> None:
        rows = _created.get() or []
        _created.reset(self._token)
        if kind is None:
            self._events.__exit__(None, None, None)
            return
        for row in reversed(rows):  # while events are held: undoing them sends none either
            try:
                row.delete()
            except DatabaseError:
                logger.exception("compensation failed: a created row could not be deleted",
                                 extra={"model": row._meta.label, "pk": row.pk})
        self._events.__exit__(kind, *exc)
