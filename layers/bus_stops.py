from django.contrib.gis.db import models

from layers.base import WGS84, Feature
from layers.registry import Layer, OsmSource, Style


class BusStop(Feature):
    name = models.CharField(max_length=200)
    routes = models.ManyToManyField("layers.BusRoute", blank=True, related_name="stops")
    geom = models.PointField(srid=WGS84)

    def __str__(self):
        return self.name


LAYER = Layer(
    id="bus_stops",
    model=BusStop,
    geometry_type="Point",
    titles={"ru": "Остановки", "kk": "Аялдамалар", "en": "Bus stops"},
    public_fields=("name",),
    required_fields=("name",),
    osm=OsmSource("points", "highway = 'bus_stop'"),
    style=Style(color="#228b22", radius=4),
    min_zoom=14,
    import_mapping={"name": ("name",)},
)
