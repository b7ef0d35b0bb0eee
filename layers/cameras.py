from django.contrib.gis.db import models
from django.db.models import Q

from layers.base import WGS84, Feature
from layers.registry import Layer, OsmSource, Style


class Camera(Feature):
    """A video camera (Astana runs thousands); the operator checks what it sees."""

    kind = models.CharField(max_length=20, default="fixed", help_text="fixed, ptz, dome, traffic")
    direction_deg = models.PositiveSmallIntegerField(null=True, blank=True)
    installed_on = models.DateField(null=True, blank=True)
    owner = models.ForeignKey("layers.Organization", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="cameras")
    stream_id = models.CharField(max_length=100, blank=True)
    geom = models.PointField(srid=WGS84)

    class Meta:
        constraints = [models.CheckConstraint(
            condition=Q(direction_deg__isnull=True) | Q(direction_deg__lt=360), name="camera_direction_deg")]


LAYER = Layer(
    id="cameras",
    model=Camera,
    geometry_type="Point",
    titles={"ru": "Камеры", "kk": "Камералар", "en": "Cameras"},
    public_fields=("kind", "direction_deg", "installed_on", "owner"),
    osm=OsmSource("points", "man_made = 'surveillance'"),
    style=Style(color="#1e90ff", radius=4),
    min_zoom=14,
    import_mapping={"kind": ("kind", "camera:type", "surveillance:type"),
                    "direction_deg": ("direction_deg", "camera:direction", "direction")},
)
