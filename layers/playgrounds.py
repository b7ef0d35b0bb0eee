from django.contrib.gis.db import models

from layers.base import WGS84, Feature
from layers.registry import Layer, OsmSource, Style


class Playground(Feature):
    """A children's playground or a mini-football field, with the date it was installed."""

    class Kind(models.TextChoices):
        PLAYGROUND = "playground", "children's playground"
        FOOTBALL = "football", "mini-football field"
        SPORTS = "sports", "sports ground"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PLAYGROUND)
    name = models.CharField(max_length=200, blank=True)
    installed_on = models.DateField(null=True, blank=True)
    installer = models.ForeignKey("layers.Organization", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    yard = models.ForeignKey("layers.Yard", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="playgrounds")
    geom = models.MultiPolygonField(srid=WGS84)

    class Meta:
        indexes = [models.Index(fields=["kind"])]

    def __str__(self):
        return self.name or f"{self.get_kind_display()} {self.pk}"


LAYER = Layer(
    id="playgrounds",
    model=Playground,
    geometry_type="MultiPolygon",
    titles={"ru": "Детские и футбольные площадки", "kk": "Балалар және футбол алаңдары",
            "en": "Playgrounds and mini-football fields"},
    public_fields=("kind", "name", "installed_on", "yard"),
    osm=OsmSource("multipolygons", "leisure = 'playground'"),
    style=Style(color="#ff8c00", fill="#ffd59a", width=1),
    min_zoom=14,
    import_mapping={"kind": ("kind", "leisure"), "name": ("name",), "installed_on": ("installed_on", "start_date")},
)
