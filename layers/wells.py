from django.contrib.gis.db import models
from django.db.models import Q

from layers.base import NETWORK_KINDS, WGS84, Feature
from layers.registry import Layer, Style


class Well(Feature):
    """A well or manhole on a network. An open lid on a street is an urgent danger."""

    class Lid(models.TextChoices):
        OK = "ok", "in place"
        DAMAGED = "damaged", "damaged"
        MISSING = "missing", "missing"
        OPEN = "open", "open"

    network_kind = models.CharField(max_length=10, choices=NETWORK_KINDS)
    depth_m = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    lid_state = models.CharField(max_length=10, choices=Lid.choices, default=Lid.OK)
    is_valve = models.BooleanField(default=False, help_text="A shut-off valve chamber (used by the network trace).")
    operator = models.ForeignKey("layers.Organization", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="wells")
    geom = models.PointField(srid=WGS84)

    class Meta:
        indexes = [models.Index(fields=["network_kind"]), models.Index(fields=["lid_state"])]
        constraints = [models.CheckConstraint(condition=Q(depth_m__isnull=True) | Q(depth_m__gt=0),
                                              name="well_depth_positive")]


LAYER = Layer(
    id="wells",
    model=Well,
    geometry_type="Point",
    titles={"ru": "Колодцы", "kk": "Құдықтар", "en": "Wells and manholes"},
    public_fields=("network_kind", "depth_m", "lid_state", "is_valve", "operator"),
    required_fields=("network_kind",),
    style=Style(color="#555555", radius=3),
    min_zoom=15,
    import_mapping={"network_kind": ("network_kind", "kind"), "depth_m": ("depth_m", "depth"),
                    "lid_state": ("lid_state",)},
)
