"""A third-party-like model field whose value is no JSON type: a dict of language -> text kept
as JSON text, read as a ``Translated`` (as django-i18nfield's I18nCharField gives a
LazyI18nString)."""

from __future__ import annotations

import json
from typing import Any

from django.db import models


class Translated:
    """Texts by language; ``str()`` is the English one."""

    def __init__(self, data: dict[str, str]) -> None:
        self.data = data

    def __str__(self) -> str:
        return self.data.get("en", "")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Translated) and other.data == self.data

    __hash__ = None


class TranslatedField(models.TextField):
    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, Translated):
            return value
        return Translated(json.loads(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return self.to_python(value)

    def get_prep_value(self, value: Any) -> Any:
        return json.dumps(value.data, sort_keys=True) if isinstance(value, Translated) else value

    def value_to_string(self, obj: Any) -> str:
        return str(self.get_prep_value(self.value_from_object(obj)))
