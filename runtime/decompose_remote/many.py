"""RemoteManyToMany: a many-to-many of a moved model to a model that stays in the monolith.

The pairs stay in the table Django created for the field (``bugs_bug_executions``, columns
``bug_id`` and ``testexecution_id``), now an explicit through model of the service whose key to
the monolith's model is a plain id column. ``bug.executions`` keeps the manager's everyday
shape: ``add``/``remove``/``clear``/``set``, ``count``/``exists`` and ``values_list("pk")``
act on the service's own pairs, and ``all()`` (or ``filter()``, ``order_by()``...) asks the
monolith for the rows those ids name, like ``RemoteReverse`` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.apps import apps
from django.db import models, transaction

from decompose_remote.models import RemoteModel, RemoteObject, RemoteQuerySet, pk_of

PK_NAMES = frozenset({"pk", "id"})


class RemoteManyToMany:
    """Declared on the moved model in place of the field: ``RemoteManyToMany(target label,
    through label, the through model's key to this model, its id column of the target)``;
    ``blank`` as the field had it (a ModelForm's field of it is optional)."""

    def __init__(self, label: str, through: str, source: str, column: str,
                 blank: bool = False) -> None:
        self.label, self.through_label, self.source, self.column = label, through, source, column
        self.blank = blank

    @property
    def through(self) -> type[models.Model]:
        """The through model holding the pairs (what ``Bug.executions.through`` was)."""
        return apps.get_model(self.through_label)

    @property
    def lookup(self) -> str:
        """Where a query of the moved model finds the ids: ``executions_pairs__testexecution_id``
        (the query name of the pairs' key to it)."""
        key = self.through._meta.get_field(self.source)
        if not isinstance(key, models.ForeignKey):
            raise TypeError(f"{self.through_label}.{self.source} is not a foreign key")
        return f"{key.related_query_name()}__{self.column}"

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return RemoteManyManager(self, instance)


class RemoteManyManager:
    """The pairs of one row, and the monolith's rows they name."""

    def __init__(self, relation: RemoteManyToMany, instance: models.Model) -> None:
        if instance.pk is None:
            raise ValueError(f"{type(instance).__name__!r} instance needs a primary key value "
                             "before this many-to-many relationship can be used.")
        self.relation, self.instance = relation, instance
        self.model = RemoteModel(relation.label)

    def _pairs(self) -> models.QuerySet[Any]:
        return self.relation.through._default_manager.filter(
            **{self.relation.source: self.instance.pk})

    def _keys(self, objs: Iterable[Any]) -> list[Any]:
        """The ids of rows or ids, as the column holds them (``"5"`` is 5 in an integer one,
        so adding it twice is one pair, as in Django)."""
        column = self.relation.through._meta.get_field(self.relation.column)
        if not isinstance(column, models.Field):
            raise TypeError(f"{self.relation.through_label}.{self.relation.column} is no column")
        keys = []
        for obj in objs:
            if isinstance(obj, RemoteObject) and obj._model is not self.model:
                raise TypeError(f"'{self.model.label}' instance expected, got {obj!r}")
            keys.append(column.to_python(pk_of(obj)))
        return keys

    def values_list(self, *fields: str, flat: bool = False) -> Any:
        """``values_list("pk", flat=True)``: the ids, read from the pairs without a call; any
        other field is the monolith's to answer."""
        if fields and set(fields) <= PK_NAMES:
            return self._pairs().values_list(*([self.relation.column] * len(fields)),
                                             flat=flat)
        return self.all().values_list(*fields, flat=flat)

    def all(self) -> RemoteQuerySet:
        keys = list(self._pairs().values_list(self.relation.column, flat=True))
        rows = self.model.objects
        return rows.filter(pk__in=keys) if keys else rows.none()

    def __getattr__(self, name: str) -> Any:
        """``filter()``, ``order_by()``, ``get()``...: on the monolith's rows of ``all()``."""
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.all(), name)

    def __iter__(self) -> Iterator[Any]:
        """The monolith's rows of ``all()``: DRF's ListSerializer iterates what is no Django
        manager (Tandoor's ``groups = GroupSerializer(many=True)`` of ``UserSpace``)."""
        return iter(self.all())

    def count(self) -> int:
        return self._pairs().count()

    def exists(self) -> bool:
        return self._pairs().exists()

    def add(self, *objs: Any) -> None:
        keys = self._keys(objs)
        with transaction.atomic():
            known = set(self._pairs().filter(**{f"{self.relation.column}__in": keys})
                        .values_list(self.relation.column, flat=True))
            through = self.relation.through
            fresh = dict.fromkeys(key for key in keys if key not in known)
            through._default_manager.bulk_create([through(**{
                self.relation.source: self.instance, self.relation.column: key})
                for key in fresh])

    def remove(self, *objs: Any) -> None:
        self._pairs().filter(**{f"{self.relation.column}__in": self._keys(objs)}).delete()

    def clear(self) -> None:
        self._pairs().delete()

    def set(self, objs: Iterable[Any], *, clear: bool = False) -> None:
        """Like Django's: pairs not in ``objs`` removed, missing ones added (all replaced
        with ``clear=True``)."""
        keys = self._keys(objs)
        with transaction.atomic():
            if clear:
                self.clear()
            else:
                self._pairs().exclude(**{f"{self.relation.column}__in": keys}).delete()
            self.add(*keys)

    def __repr__(self) -> str:
        return (f"<RemoteManyManager {type(self.instance).__name__} {self.instance.pk} -> "
                f"{self.model.label}>")
