from django.contrib.gis.db import models
from django.db.models import Q

from layers.base import WGS84, Feature
from layers.registry import Layer, OsmSource, Style


class Building(Feature):
    """A house with its address: what a caller names and the operator must find."""

    street = models.CharField(max_length=200, blank=True, help_text="Street as written in the address.")
    house_number = models.CharField(max_length=30, blank=True, help_text="e.g. 15, 15а, 15/2, 15 корп. 2")
    name = models.CharField(max_length=200, blank=True, help_text="Landmark name: a school, a market …")
    use = models.CharField(max_length=30, default="residential")
    floors = models.PositiveSmallIntegerField(null=True, blank=True)
    apartments = models.PositiveIntegerField(null=True, blank=True)
    year_built = models.PositiveSmallIntegerField(null=True, blank=True)
    geom = models.MultiPolygonField(srid=WGS84)
    yard = models.ForeignKey("layers.Yard", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="buildings")
    district = models.ForeignKey("layers.District", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="buildings")

    class Meta:
        indexes = [models.Index(fields=["street", "house_number"])]
        constraints = [
            models.CheckConstraint(condition=Q(floors__isnull=True) | Q(floors__range=(1, 150)),
                                   name="building_floors_range"),
            models.CheckConstraint(condition=Q(year_built__isnull=True) | Q(year_built__range=(1700, 2100)),
                                   name="building_year_built_range"),
        ]

    @property
    def address(self) -> str:
        return f"{self.street}, {self.house_number}".strip(", ")

    def __str__(self):
        return self.address or self.name or f"building {self.pk}"


LAYER = Layer(
    id="buildings",
    model=Building,
    geometry_type="MultiPolygon",
    titles={"ru": "Здания", "kk": "Ғимараттар", "en": "Buildings"},
    public_fields=("street", "house_number", "name", "use", "floors", "apartments", "year_built", "yard", "district"),
    osm=OsmSource("multipolygons", "building IS NOT NULL"),
    style=Style(color="#b0a090", fill="#d9cfc1", width=0.5, opacity=0.9, extrude_by="floors"),
    min_zoom=13,
    import_mapping={
        "street": ("street", "addr:street", "addr_street"),
        "house_number": ("house_number", "addr:housenumber", "addr_housenumber"),
        "name": ("name",),
        "use": ("use", "building"),
        "floors": ("floors", "building:levels", "building_levels"),
        "apartments": ("apartments", "building:flats", "building_flats"),
        "year_built": ("year_built", "start_date", "building:year"),
    },
)
