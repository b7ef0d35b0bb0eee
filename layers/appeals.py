from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import F, Q

from layers.base import WGS84, Feature, FeatureQuerySet
from layers.registry import Aggregation, Layer, Style

CHANNELS = [
    ("phone", "phone"), ("whatsapp", "WhatsApp"), ("telegram", "Telegram"),
    ("site", "website"), ("app", "mobile app"), ("social", "social networks"), ("import", "imported"),
]


class AppealQuerySet(FeatureQuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)

    def overdue(self, on):
        return self.open().filter(due_at__lt=on)


class Appeal(Feature):
    """A citizen's geolocated appeal to the 109 center.

    Caller name, phone and description are personal data: the registry keeps them
    out of every public response.
    """

    number = models.CharField(max_length=30, unique=True, help_text="Registration number, e.g. 109-2026-000123")
    category = models.CharField(max_length=50, help_text="Area of city life, e.g. heating, water, roads.")
    incident_type = models.CharField(max_length=80, blank=True)
    status = models.CharField(max_length=20, default="registered")
    channel = models.CharField(max_length=20, choices=CHANNELS, default="phone")
    registered_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    address = models.CharField(max_length=300, blank=True)
    executor = models.ForeignKey("layers.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="appeals")
    district = models.ForeignKey("layers.District", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="appeals")
    building = models.ForeignKey("layers.Building", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="appeals")
    caller_name = models.CharField(max_length=200, blank=True)
    caller_phone = models.CharField(max_length=50, blank=True)
    description = models.TextField(blank=True)
    geom = models.PointField(srid=WGS84)
    # workflow (nullable or with database defaults: bulk loaders COPY the columns above only)
    criticality = models.PositiveSmallIntegerField(null=True, blank=True)
    urgent = models.BooleanField(default=False, db_default=False)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="inspected_appeals")
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="duplicates")
    dig_order = models.ForeignKey("layers.DigOrder", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="appeals", help_text="An abandoned excavation reported by a citizen.")
    extension_reason = models.TextField(blank=True, default="", db_default="",
                                        help_text="Why the 15-day term was extended to 30 (once).")
    request_key = models.CharField(max_length=160, null=True, blank=True, unique=True, editable=False,
                                   help_text="Who filed it and the client's Idempotency-Key: a retried create "
                                             "returns the first appeal instead of a second one.")

    objects = AppealQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["registered_at"]),
            models.Index(fields=["category", "registered_at"]),
            models.Index(fields=["status"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(closed_at__isnull=True) | Q(closed_at__gte=F("registered_at")),
                                   name="appeal_closed_after_registered"),
            models.CheckConstraint(condition=Q(due_at__isnull=True) | Q(due_at__gte=F("registered_at")),
                                   name="appeal_due_after_registered"),
        ]

    def __str__(self):
        return self.number


LAYER = Layer(
    id="appeals",
    model=Appeal,
    geometry_type="Point",
    titles={"ru": "Обращения", "kk": "Өтініштер", "en": "Appeals"},
    public_fields=("number", "category", "incident_type", "status", "channel", "registered_at", "due_at",
                   "closed_at", "executor", "district"),
    personal_fields=("caller_name", "caller_phone", "description", "address"),
    required_fields=("category", "registered_at"),
    natural_key="number",
    never_deleted=True,
    temporal_field="registered_at",
    workflow_fields=("number", "status", "channel", "registered_at", "due_at", "closed_at", "executor",
                     "inspector", "duplicate_of", "extension_reason", "criticality", "urgent"),
    created_through="POST /api/workflow/appeals, Open311 POST /open311/v2/requests.json or the operator console",
    style=Style(color="#dc143c", radius=3),
    aggregate=Aggregation(by="category"),
    min_zoom=13,
    import_mapping={
        "number": ("number", "service_request_id", "SRNumber"),
        "category": ("category", "service_code", "RequestType"),
        "status": ("status", "Status"),
        "registered_at": ("registered_at", "requested_datetime", "CreatedDate"),
        "closed_at": ("closed_at", "ClosedDate"),
        "description": ("description",),
        "address": ("address", "Address"),
    },
)
