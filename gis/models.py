"""Models of the qala app itself (not city layers)."""
from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

CHANNELS = [("app", "mobile app"), ("site", "website"), ("telegram", "Telegram"),
            ("whatsapp", "WhatsApp"), ("social", "social networks")]


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A key a client (bot, app, website) sends as `api_key` to file appeals.

    Only the SHA-256 of the key is stored, so a database dump leaks no usable key;
    the key is shown once, when issued.
    """

    name = models.CharField(max_length=200, help_text="Who holds the key, e.g. 'Telegram bot'.")
    channel = models.CharField(max_length=20, choices=CHANNELS, default="app",
                               help_text="The channel appeals filed with this key are recorded under.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False, help_text="First characters, to tell keys apart.")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="api_tokens",
                             help_text="Staff account the key acts as (its roles apply); empty for filing only.")
    active = models.BooleanField(default=True, help_text="Clear to revoke the key.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, name: str, channel: str = "app", user=None) -> tuple["ApiToken", str]:
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(name=name, channel=channel, key_hash=_digest(key), prefix=key[:8], user=user)
        return token, key

    @classmethod
    def authenticate(cls, key: str | None) -> "ApiToken | None":
        if not key:
            return None
        token = cls.objects.filter(key_hash=_digest(key), active=True).first()
        if token:
            cls.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token
