from django.contrib.gis.db import models
from django.db.models import Q

from layers.base import NETWORK_KINDS, WGS84, Feature
from layers.registry import Layer, Style


class NetworkSegment(Feature):
    """One pipe or cable between two nodes of a utility network (heating, water, sewer …)."""

    kind = models.CharField(max_length=10, choices=NETWORK_KINDS)
    material = models.CharField(max_length=50, blank=True)
    diameter_mm = models.PositiveIntegerField(null=True, blank=True)
    year_laid = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=20, default="active", help_text="active, abandoned, planned")
    operator = models.ForeignKey("layers.Organization", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="network_segments")
    geom = models.LineStringField(srid=WGS84)

    class Meta:
        indexes = [models.Index(fields=["kind"])]
        constraints = [
            models.CheckConstraint(condition=Q(diameter_mm__isnull=True) | Q(diameter_mm__range=(1, 5000)),
                                   name="segment_diameter_range"),
            models.CheckConstraint(condition=Q(year_laid__isnull=True) | Q(year_laid__range=(1800, 2100)),
                                   name="segment_year_laid_range"),
        ]

    def __str__(self):
        return f"{self.kind} segment {self.pk}"


LAYER = Layer(
    id="network_segments",
    model=NetworkSegment,
    geometry_type="LineString",
    titles={"ru": "Инженерные сети", "kk": "Инженерлік желілер", "en": "Utility networks"},
    public_fields=("kind", "material", "diameter_mm", "year_laid", "status", "operator"),
    required_fields=("kind",),
    style=Style(color="#d2691e", width=2, color_by="kind"),
    min_zoom=13,
    import_mapping={"kind": ("kind", "network_kind"), "material": ("material",),
                    "diameter_mm": ("diameter_mm", "diameter"), "year_laid": ("year_laid", "start_date"),
                    "status": ("status", "Status")},
)
