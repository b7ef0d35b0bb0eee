from django.contrib.gis.db import models
from django.db.models import F, Q

from layers.base import WGS84, Feature
from layers.registry import Layer, Style


class RepairWork(Feature):
    """A planned or ongoing repair: a yard paved, a heating main replaced."""

    class Status(models.TextChoices):
        PLANNED = "planned", "planned"
        ONGOING = "ongoing", "ongoing"
        DONE = "done", "done"

    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=30, help_text="paving, heating, water, roads, …")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    organization = models.ForeignKey("layers.Organization", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="repair_works")
    budget_kzt = models.DecimalField(max_digits=14, decimal_places=0, null=True, blank=True)
    geom = models.MultiPolygonField(srid=WGS84)

    class Meta:
        indexes = [models.Index(fields=["status"])]
        constraints = [models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                                              name="repair_work_ends_after_start")]

    def __str__(self):
        return self.title


LAYER = Layer(
    id="repair_works",
    model=RepairWork,
    geometry_type="MultiPolygon",
    titles={"ru": "Ремонтные работы", "kk": "Жөндеу жұмыстары", "en": "Repair works"},
    public_fields=("title", "kind", "status", "starts_on", "ends_on", "organization"),
    required_fields=("title", "kind", "starts_on"),
    style=Style(color="#9932cc", fill="#dda0dd", width=1),
    min_zoom=12,
    import_mapping={"title": ("title", "name"), "kind": ("kind",), "status": ("status",),
                    "starts_on": ("starts_on",), "ends_on": ("ends_on",)},
)
