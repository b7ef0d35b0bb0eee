from django.contrib.gis.db import models

from layers.base import WGS84, Feature
from layers.registry import Layer, Style


class SnowplowRoute(Feature):
    """A snow-clearing route assigned to a vehicle on a schedule."""

    vehicle = models.CharField(max_length=50, help_text="Vehicle plate or fleet number.")
    schedule = models.CharField(max_length=200, help_text="e.g. 'daily 05:00-09:00'")
    priority = models.PositiveSmallIntegerField(default=2, help_text="1 = main roads first")
    operator = models.ForeignKey("layers.Organization", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="snowplow_routes")
    geom = models.MultiLineStringField(srid=WGS84)


LAYER = Layer(
    id="snowplow_routes",
    model=SnowplowRoute,
    geometry_type="MultiLineString",
    titles={"ru": "Маршруты снегоуборки", "kk": "Қар тазалау бағыттары", "en": "Snowplow routes"},
    public_fields=("vehicle", "schedule", "priority", "operator"),
    required_fields=("vehicle",),
    style=Style(color="#00bfff", width=2),
    min_zoom=11,
    import_mapping={"vehicle": ("vehicle",), "schedule": ("schedule",), "priority": ("priority",)},
)
