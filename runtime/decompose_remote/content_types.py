"""The monolith's models in Django's contenttypes framework, as moved code uses them.

The service shares the monolith's ``django_content_type`` table, so the content type of a
monolith model (``ContentType.objects.get_by_natural_key("users", "user")``) is a row it reads
as is. But ``ContentType.model_class()`` answers from the service's own app registry, where the
monolith's models are not: it answered None, and code going on to ``model_class().objects``
failed (taiga's timeline views). Installed by this app's ``ready()``, ``model_class()`` answers
the RemoteModel of a label the service mirrors (the mirror package's ``FIELDS``, the models the
bridge serves it) when Django has no model of that name; the service's own models come first.

The other direction: ``get_for_model()`` and ``get_for_models()`` read only
``_meta.concrete_model._meta`` (app label, model name), which a RemoteModel and its rows' class
provide, so they answer the monolith's row by its natural key, as for any model. A remote row
has no ``_meta`` (nothing may take it for a local instance), so the two methods, which Django
lets take an instance, are given its class.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from decompose_remote.models import RemoteObject, remote_model


def _class_of(model: Any) -> Any:
    """A remote row as its class (Django's methods take a model instance for its class)."""
    return type(model) if isinstance(model, RemoteObject) else model


def install() -> None:
    """Let ``ContentType.model_class()`` answer mirrored monolith models, and the manager's
    ``get_for_model()``/``get_for_models()`` take remote rows as Django takes instances (once)."""
    # loads with the app registry
    from django.contrib.contenttypes.models import ContentType, ContentTypeManager

    django_model_class = ContentType.model_class
    if getattr(django_model_class, "answers_remote_models", False):
        return
    django_get_for_model = ContentTypeManager.get_for_model
    django_get_for_models = ContentTypeManager.get_for_models

    @wraps(django_model_class)
    def model_class(self: ContentType) -> Any:
        found = django_model_class(self)
        return found if found is not None else remote_model(self.app_label, self.model)

    @wraps(django_get_for_model)
    def get_for_model(self: Any, model: Any, for_concrete_model: bool = True) -> ContentType:
        return django_get_for_model(self, _class_of(model), for_concrete_model)

    @wraps(django_get_for_models)
    def get_for_models(self: Any, *models: Any, for_concrete_models: bool = True
                       ) -> dict[Any, ContentType]:
        found = django_get_for_models(self, *map(_class_of, models),
                                      for_concrete_models=for_concrete_models)
        return {model: found[_class_of(model)] for model in models}

    model_class.answers_remote_models = True  # type: ignore[attr-defined]
    ContentType.model_class = model_class  # type: ignore[method-assign]
    ContentTypeManager.get_for_model = get_for_model  # type: ignore[method-assign]
    ContentTypeManager.get_for_models = get_for_models  # type: ignore[method-assign]
