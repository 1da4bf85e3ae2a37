"""A monolith model read only inside a django-scopes scope, as pretalx's are by event."""

from django.conf import settings
from django.db import models
from django_scopes import ScopedManager


class Note(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    text = models.CharField(max_length=50)

    objects = ScopedManager(user="owner")

    def __str__(self) -> str:
        return self.text
