"""Outbox of automatic notices: one row per recipient per overdue dig order.

The UNIQUE (dig_order, recipient_kind) key makes "each notice once" a database fact:
however many workers find the same overdue order, only one row per recipient exists,
and a row leaves `pending` only when its mail was accepted by the SMTP server.
"""
from django.db import models
from django.db.models.functions import Now


class Notice(models.Model):
    class Recipient(models.TextChoices):
        CONTRACTOR = "contractor", "the contractor who took the order"
        POLICE = "police", "the city police department"

    class State(models.TextChoices):
        PENDING = "pending", "pending"
        SENT = "sent", "sent"
        CANCELLED = "cancelled", "not sent: the order was closed first"

    dig_order = models.ForeignKey("layers.DigOrder", on_delete=models.PROTECT, related_name="notices")
    recipient_kind = models.CharField(max_length=12, choices=Recipient.choices)
    recipient = models.ForeignKey("layers.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="notices")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(db_default=Now())
    overdue_since = models.DateField(help_text="The restoration deadline that passed.")
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    email = models.EmailField(blank=True, help_text="Where it was sent.")
    message_id = models.CharField(max_length=200, blank=True, help_text="The same on every attempt.")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dig_order", "recipient_kind"], name="notice_once_per_recipient"),
            models.CheckConstraint(condition=~models.Q(state="sent") | models.Q(sent_at__isnull=False),
                                   name="notice_sent_has_time"),
        ]
        indexes = [models.Index(fields=["state"], condition=models.Q(state="pending"), name="notice_pending")]

    def __str__(self):
        return f"{self.dig_order} → {self.recipient_kind} ({self.state})"
