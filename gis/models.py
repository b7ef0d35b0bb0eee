"""Models of the qala app itself (not city layers)."""
from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models.functions import Now
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
    organization = models.ForeignKey("layers.Organization", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="api_tokens",
                                     help_text="The organization the key was issued to (a utility, a KSK, a bot's owner).")
    active = models.BooleanField(default=True, help_text="Clear to revoke the key.")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, name: str, channel: str = "app", user=None, organization=None) -> tuple["ApiToken", str]:
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(name=name, channel=channel, key_hash=_digest(key), prefix=key[:8], user=user,
                                   organization=organization)
        return token, key

    def revoke(self) -> None:
        """The key stops working on its next request; the row stays, to show who held it and when."""
        if self.active:
            self.active = False
            self.revoked_at = timezone.now()
            self.save(update_fields=["active", "revoked_at"])

    @classmethod
    def authenticate(cls, key: str | None) -> "ApiToken | None":
        if not key:
            return None
        token = cls.objects.filter(key_hash=_digest(key), active=True).first()
        if token:
            cls.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token


class RateCounter(models.Model):
    """Hits of one client in one fixed window (gis/ratelimit.py), shared by every worker process.

    An UNLOGGED table (migration 0003): counters need no crash safety, and unlogged writes are cheap.
    """

    key = models.CharField(max_length=200, primary_key=True, help_text="group:client:window")
    hits = models.IntegerField(default=1)
    expires_at = models.DateTimeField(db_index=True)


class PersonalDataView(models.Model):
    """Who was shown the personal fields of which appeals, when and through what: one row a request.

    Append-only: the database refuses UPDATE and DELETE (trigger in migration 0003).
    """

    at = models.DateTimeField(db_default=Now(), db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                             related_name="personal_data_views")
    layer = models.CharField(max_length=50, default="appeals")
    object_ids = ArrayField(models.BigIntegerField(), help_text="Ids of the features whose personal fields were shown.")
    path = models.CharField(max_length=500, help_text="The endpoint (path without its query string).")
    api_token = models.CharField(max_length=8, blank=True, help_text="Prefix of the API token used, if any.")
    client_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = "personal data view"
        ordering = ["-at", "-id"]
        indexes = [GinIndex(fields=["object_ids"], name="qala_pdv_object_ids")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.layer} {len(self.object_ids)}"
