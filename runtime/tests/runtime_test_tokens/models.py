"""A monolith's own API keys, keyed by a database id (pretalx's ``UserApiToken``): its API
checks what the key may do on ``request.auth``."""

from django.conf import settings
from django.db import models


class ApiKey(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=40, unique=True)
    all_events = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"key of {self.user_id}"


class KeyUsage(models.Model):
    """How often a key was used: a one-to-one between two monolith models (the key's reverse
    accessor ``usage``)."""

    api_key = models.OneToOneField(ApiKey, on_delete=models.CASCADE, related_name="usage")
    calls = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.calls} calls"
