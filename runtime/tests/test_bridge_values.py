"""What the bridge sends of a row's column: a file as its name in storage, never its bytes
(taiga's empty Project.logo made every read of a project a 500: the codec iterated the file)."""

from __future__ import annotations

from django.db import models

from decompose_bridge.views import _value
from decompose_runtime import codec


class Document(models.Model):
    attachment = models.FileField(null=True)

    class Meta:
        app_label = "auth"  # an installed app; never saved, so no table
        managed = False

    def __str__(self) -> str:
        return self.attachment.name or ""


def test_a_file_column_travels_as_its_name():
    sent = [codec.encode(_value(Document(attachment=name), "attachment"))
            for name in ("logos/a.png", "", None)]
    assert sent == ["logos/a.png", "", None]
    assert all(isinstance(value, str | None) for value in sent)
