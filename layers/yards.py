from django.contrib.gis.db import models
from django.db.models import F, FloatField, Func

from layers.base import WGS84, Feature, FeatureQuerySet
from layers.registry import Layer, Style


class YardQuerySet(FeatureQuerySet):
    def containing(self, point):
        return self.filter(geom__contains=point)


class Yard(Feature):
    """A courtyard: the unit the operator finds and the paving queue ranks."""

    class Paving(models.TextChoices):
        GOOD = "good", "good"
        FAIR = "fair", "fair"
        POOR = "poor", "poor"
        UNPAVED = "unpaved", "unpaved"

    name = models.CharField(max_length=200, blank=True)
    geom = models.MultiPolygonField(srid=WGS84)
    # derived in the database so it can never go stale after a geometry edit
    area_m2 = models.GeneratedField(
        expression=Func(F("geom"), template="ST_Area(%(expressions)s::geography)", output_field=FloatField()),
        output_field=FloatField(), db_persist=True,
    )
    paving_state = models.CharField(max_length=10, choices=Paving.choices, default=Paving.FAIR)
    last_works_on = models.DateField(null=True, blank=True)
    last_works = models.CharField(max_length=300, blank=True)
    ksk = models.ForeignKey("layers.Organization", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="yards", limit_choices_to={"kind": "ksk"})
    district = models.ForeignKey("layers.District", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="yards")

    objects = YardQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["paving_state"])]

    def __str__(self):
        return self.name or f"yard {self.pk}"


LAYER = Layer(
    id="yards",
    model=Yard,
    geometry_type="MultiPolygon",
    titles={"ru": "Дворы", "kk": "Аулалар", "en": "Yards"},
    public_fields=("name", "area_m2", "paving_state", "last_works_on", "last_works", "ksk", "district"),
    style=Style(color="#8fbc8f", fill="#cfe8cf", width=1, opacity=0.5),
    min_zoom=14,
    import_mapping={"name": ("name",), "paving_state": ("paving_state", "surface")},
)
