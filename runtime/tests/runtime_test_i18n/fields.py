"""A third-party-like model field whose value is no JSON type: a dict of language -> text kept
as JSON text, read as a ``Translated`` (as django-i18nfield's I18nCharField gives a
LazyI18nString, a NULL column too: ``Translated(None)``, whose database value is NULL)."""

from __future__ import annotations

import json
from typing import Any

from django.db import models


class Translated:
    """Texts by language (None for none); ``str()`` is the English one."""

    def __init__(self, data: dict[str, str] | None) -> None:
        self.data = data

    def __str__(self) -> str:
        return (self.data or {}).get("en", "")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Translated) and other.data == self.data

    __hash__ = None


class TranslatedField(models.TextField):
    def to_python(self, value: Any) -> Any:
        if isinstance(value, Translated):
            return value
        return Translated(None if value is None else json.loads(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return self.to_python(value)

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, Translated):
            return None if value.data is None else json.dumps(value.data, sort_keys=True)
        return value
