"""The monolith's models in Django's app registry, as the kernel's copies look them up.

The moved code's lookups of a model that stays (``apps.get_model("projects", "Project")``) are
rewritten to the mirror's remote model when it is extracted. The kernel's copies are not: they
are the monolith's modules as they are (taiga's ``permissions/services.py``, which the moved
serializers call), and their lookups raised ``LookupError`` in the service, which does not
install the monolith's apps. Installed by this app's ``ready()``, the registry's
``get_model()`` answers the RemoteModel of a label the service mirrors (the mirror package's
``FIELDS``) where Django finds no model; the service's own models come first, and what Django
raises for any other label is raised as before. Only the registry of the running service
answers so: the migrations' historical registries are other instances, left as they are.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from decompose_remote.models import remote_model


def install() -> None:
    """Let ``django.apps.apps.get_model()`` answer mirrored monolith models (once)."""
    from django.apps import apps

    django_get_model = apps.get_model
    if getattr(django_get_model, "answers_remote_models", False):
        return

    @wraps(django_get_model)
    def get_model(app_label: str, model_name: str | None = None,
                  require_ready: bool = True) -> Any:
        try:
            return django_get_model(app_label, model_name, require_ready=require_ready)
        except LookupError:
            # Django has split a one-argument label by now (a malformed one raised ValueError)
            app, name = (app_label, model_name) if model_name else app_label.split(".")
            found = remote_model(app, name)
            if found is None:
                raise
            return found

    get_model.answers_remote_models = True  # type: ignore[attr-defined]
    apps.get_model = get_model  # type: ignore[method-assign]
