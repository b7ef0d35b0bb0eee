from django.contrib.gis.db import models

from layers.base import WGS84, Feature
from layers.registry import Layer, Style


class District(Feature):
    """An administrative district: the fallback for responsibility and the dashboard's unit."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    name_kk = models.CharField(max_length=200, blank=True)
    geom = models.MultiPolygonField(srid=WGS84)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.name


LAYER = Layer(
    id="districts",
    model=District,
    geometry_type="MultiPolygon",
    titles={"ru": "Районы", "kk": "Аудандар", "en": "Districts"},
    public_fields=("code", "name", "name_kk"),
    required_fields=("code", "name"),
    style=Style(color="#6a5acd", fill=None, width=2),
    min_zoom=8,
    import_mapping={"code": ("code", "ref"), "name": ("name", "name:ru"), "name_kk": ("name_kk", "name:kk")},
)
