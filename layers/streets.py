from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField

from layers.base import WGS84, Feature
from layers.registry import Layer, OsmSource, Style


class Street(Feature):
    """A named street: the basemap's lines and the address search's vocabulary.

    Former names are kept because callers still use them years after a renaming.
    """

    name = models.CharField(max_length=200, help_text="Current Russian name, e.g. 'улица Жамбыла'.")
    name_kk = models.CharField(max_length=200, blank=True, help_text="Kazakh name, e.g. 'Жамбыл көшесі'.")
    former_names = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    renamed_on = models.DateField(null=True, blank=True)
    kind = models.CharField(max_length=20, default="street",
                            help_text="street, avenue, lane, microdistrict …")
    geom = models.MultiLineStringField(srid=WGS84)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self):
        return self.name


LAYER = Layer(
    id="streets",
    model=Street,
    geometry_type="MultiLineString",
    titles={"ru": "Улицы", "kk": "Көшелер", "en": "Streets"},
    public_fields=("name", "name_kk", "former_names", "kind"),
    required_fields=("name",),
    osm=OsmSource("lines", "highway IS NOT NULL AND name IS NOT NULL"),
    style=Style(color="#ffffff", width=3),
    min_zoom=11,
    import_mapping={"name": ("name", "name:ru"), "name_kk": ("name_kk", "name:kk"), "kind": ("highway", "kind")},
)
