from django.contrib.gis.db import models
from django.db.models import F, Q

from layers.base import WGS84, Feature, FeatureQuerySet
from layers.registry import Layer, Style


class DigOrderQuerySet(FeatureQuerySet):
    def open(self):
        return self.filter(closed_on__isnull=True)

    def overdue(self, on):
        """Open orders whose asphalt should have been restored before `on`."""
        return self.open().filter(restore_by__lt=on)


class DigOrder(Feature):
    """An excavation permit: who dug where, and by when the surface must be restored."""

    number = models.CharField(max_length=30, unique=True)
    contractor = models.ForeignKey("layers.Organization", on_delete=models.PROTECT, related_name="dig_orders")
    purpose = models.CharField(max_length=300, blank=True)
    issued_on = models.DateField()
    restore_by = models.DateField(help_text="Restoration deadline.")
    closed_on = models.DateField(null=True, blank=True)
    # closing needs the act of restoration (its number); the database refuses a closing without it
    closing_act = models.CharField(max_length=100, blank=True, default="", db_default="",
                                   help_text="Number of the act that confirms the surface was restored.")
    geom = models.MultiPolygonField(srid=WGS84)

    objects = DigOrderQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["restore_by"]), models.Index(fields=["closed_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(restore_by__gte=F("issued_on")), name="dig_order_deadline_after_issue"),
            models.CheckConstraint(condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("issued_on")),
                                   name="dig_order_closed_after_issue"),
        ]

    def __str__(self):
        return self.number


LAYER = Layer(
    id="dig_orders",
    model=DigOrder,
    geometry_type="MultiPolygon",
    titles={"ru": "Ордера на земляные работы", "kk": "Жер жұмыстарына ордерлер", "en": "Dig orders"},
    public_fields=("number", "contractor", "purpose", "issued_on", "restore_by", "closed_on"),
    required_fields=("number", "issued_on", "restore_by"),
    natural_key="number",
    temporal_field="issued_on",
    style=Style(color="#b22222", fill="#f4a460", width=1.5, color_by="deadline"),
    min_zoom=12,
    import_mapping={"number": ("number",), "purpose": ("purpose",), "issued_on": ("issued_on",),
                    "restore_by": ("restore_by",), "closed_on": ("closed_on",)},
)
