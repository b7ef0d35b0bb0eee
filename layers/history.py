"""Appeal history: one row per transition, append-only.

The database refuses UPDATE and DELETE of a history row and DELETE of an appeal
(triggers installed by migration 0004), so neither the admin, an importer nor raw SQL
can lose what quality and systemic-problem ratings are judged from.
"""
from django.conf import settings
from django.db import models
from django.db.models.functions import Now


class AppealEvent(models.Model):
    appeal = models.ForeignKey("layers.Appeal", on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(db_default=Now())
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="appeal_events", help_text="Empty for the system (worker, import).")
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30)
    note = models.TextField(blank=True)
    # what the transition set: new due date, executor, original of a duplicate …
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["appeal", "at", "id"]
        indexes = [models.Index(fields=["appeal", "at"])]

    def __str__(self):
        return f"{self.appeal_id}: {self.from_state or '∅'} → {self.to_state} ({self.action})"
