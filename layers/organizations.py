from django.contrib.gis.db import models

from layers.base import NETWORK_KINDS, WGS84, Feature
from layers.registry import Layer, Style


class Organization(Feature):
    """Who is responsible: a utility, a KSK (condominium), a city department, a contractor, the police."""

    class Kind(models.TextChoices):
        UTILITY = "utility", "utility"
        KSK = "ksk", "KSK (condominium)"
        CITY_DEPARTMENT = "city_department", "city department"
        CONTRACTOR = "contractor", "contractor"
        POLICE = "police", "police"
        AKIMAT = "akimat", "akimat"

    name = models.CharField(max_length=300)
    name_kk = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    network_kind = models.CharField(max_length=10, choices=NETWORK_KINDS, blank=True,
                                    help_text="For a utility: the network it operates.")
    phone = models.CharField(max_length=50, blank=True)
    email = models.EmailField(blank=True)
    address = models.CharField(max_length=300, blank=True)
    geom = models.PointField(srid=WGS84, null=True, blank=True, help_text="Office location.")

    class Meta:
        ordering = ["kind", "name"]
        indexes = [models.Index(fields=["kind"])]

    def __str__(self):
        return self.name


LAYER = Layer(
    id="organizations",
    model=Organization,
    geometry_type="Point",
    geometry_required=False,
    titles={"ru": "Организации", "kk": "Ұйымдар", "en": "Organizations"},
    public_fields=("name", "name_kk", "kind", "network_kind", "phone", "address"),
    required_fields=("name", "kind"),
    style=Style(color="#444444", radius=5),
    on_map=False,  # offices: the "what is here" card names them
    min_zoom=13,
    import_mapping={"name": ("name", "name:ru"), "name_kk": ("name_kk", "name:kk"), "kind": ("kind",),
                    "phone": ("phone", "contact:phone"), "address": ("address",)},
)
