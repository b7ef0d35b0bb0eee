from django.contrib.gis.db import models

from layers.base import WGS84, Feature
from layers.registry import Layer, OsmSource, Style


class BusRoute(Feature):
    number = models.CharField(max_length=20, help_text="Route number, e.g. 12 or 3А.")
    name = models.CharField(max_length=300, blank=True)
    operator = models.CharField(max_length=200, blank=True)
    from_stop = models.CharField(max_length=200, blank=True)
    to_stop = models.CharField(max_length=200, blank=True)
    geom = models.MultiLineStringField(srid=WGS84)

    class Meta:
        indexes = [models.Index(fields=["number"])]

    def __str__(self):
        return f"№{self.number} {self.name}".strip()


LAYER = Layer(
    id="bus_routes",
    model=BusRoute,
    geometry_type="MultiLineString",
    titles={"ru": "Автобусные маршруты", "kk": "Автобус бағыттары", "en": "Bus routes"},
    public_fields=("number", "name", "operator", "from_stop", "to_stop"),
    required_fields=("number",),
    osm=OsmSource("multilinestrings", """type = 'route' AND other_tags LIKE '%"route"=>"bus"%'"""),
    style=Style(color="#228b22", width=2),
    min_zoom=11,
    import_mapping={"number": ("number", "ref"), "name": ("name",), "operator": ("operator",),
                    "from_stop": ("from_stop", "from"), "to_stop": ("to_stop", "to")},
)
