"""A monolith model with a field of a custom class (runtime_test_i18n.fields)."""

from django.db import models

from runtime_test_i18n.fields import TranslatedField


class Conference(models.Model):
    slug = models.SlugField()
    name = TranslatedField()
    tagline = TranslatedField(null=True)

    def __str__(self) -> str:
        return str(self.name)
