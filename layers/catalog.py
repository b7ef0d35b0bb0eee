"""The appeal catalog: categories (areas of city life) and their incident types.

Not registry layers (no geometry). Loaded from layers/catalog.csv by `qala load-catalog`
and editable in the admin. Each entry carries its own deadline, criticality, urgency and
routing, so a new category or a changed rule is a data edit, not a code change.
"""
from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models

from layers.base import NETWORK_KINDS


class Deadline(models.TextChoices):
    """Deadline kinds and their length in calendar days (the law counts weekends too)."""

    REFERENCE = "reference", "reference question (1 day)"
    ANSWER = "answer", "answer to the citizen (7 days)"
    LAW = "law", "consideration by law (15 days)"
    SITE_VISIT = "site_visit", "site visit or commission (30 days)"


DEADLINE_DAYS = {Deadline.REFERENCE: 1, Deadline.ANSWER: 7, Deadline.LAW: 15, Deadline.SITE_VISIT: 30}
# the law's 15 days may be extended once to 30 when a site visit or commission is needed
EXTENDED_DAYS = 30

ROUTING_HELP = ("Space-separated steps tried in order: 'yard' (the yard's KSK), 'roadway:<m>' "
                "(within <m> metres of a street: the roadway department), 'network:<m>' (within <m> "
                "metres of a network of the category's kind: its operator), 'district' (by district).")


ROUTING_STEPS = {"yard": False, "roadway": True, "network": True, "district": False}  # step -> takes metres


def routing_steps(text: str) -> list[tuple[str, float | None]]:
    """Parse a routing rule ('yard roadway:25 district') into steps; a bad rule raises ValueError."""
    steps = []
    for token in text.split():
        name, _, metres = token.partition(":")
        if name not in ROUTING_STEPS:
            raise ValueError(f"unknown routing step {name!r}; known: {', '.join(ROUTING_STEPS)}")
        if ROUTING_STEPS[name]:
            try:
                radius = float(metres)
            except ValueError:
                raise ValueError(f"routing step {name!r} needs a radius in metres, e.g. {name}:25") from None
            if not 0 < radius <= 500:
                raise ValueError(f"routing step {token!r}: radius must be between 0 and 500 m")
            steps.append((name, radius))
        elif metres:
            raise ValueError(f"routing step {name!r} takes no radius")
        else:
            steps.append((name, None))
    if not steps:
        raise ValueError("a routing rule needs at least one step")
    return steps


CODE = RegexValidator(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)?$", "a code is lowercase latin: 'roads' or 'roads.pothole'")


class Category(models.Model):
    """An area of city life (heating, roads, medicine …) with the defaults of its incident types."""

    code = models.CharField(max_length=40, unique=True, validators=[CODE])
    name_ru = models.CharField(max_length=200)
    name_kk = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    deadline = models.CharField(max_length=12, choices=Deadline.choices, default=Deadline.LAW)
    criticality = models.PositiveSmallIntegerField(default=2, help_text="1 (low) … 5 (life-threatening)")
    urgent = models.BooleanField(default=False)
    network_kind = models.CharField(max_length=10, choices=NETWORK_KINDS, blank=True,
                                    help_text="The utility network a 'network' routing step looks for.")
    routing = models.CharField(max_length=200, default="district", help_text=ROUTING_HELP)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "categories"
        constraints = [models.CheckConstraint(condition=models.Q(criticality__range=(1, 5)),
                                              name="category_criticality_range")]

    def __str__(self):
        return self.code

    def clean(self):
        _check_routing(self.routing)

    def name(self, lang: str = "ru") -> str:
        return getattr(self, f"name_{lang}", "") or self.name_en


class IncidentType(models.Model):
    """A kind of problem inside a category; blank fields take the category's value."""

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="incident_types")
    code = models.CharField(max_length=60, unique=True, validators=[CODE])
    name_ru = models.CharField(max_length=200)
    name_kk = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    deadline = models.CharField(max_length=12, choices=Deadline.choices, blank=True)
    criticality = models.PositiveSmallIntegerField(null=True, blank=True)
    urgent = models.BooleanField(default=False, help_text="e.g. an open manhole on a street")
    routing = models.CharField(max_length=200, blank=True, help_text=ROUTING_HELP)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [models.CheckConstraint(
            condition=models.Q(criticality__isnull=True) | models.Q(criticality__range=(1, 5)),
            name="incident_type_criticality_range")]

    def __str__(self):
        return self.code

    def clean(self):
        if self.routing:
            _check_routing(self.routing)

    def name(self, lang: str = "ru") -> str:
        return getattr(self, f"name_{lang}", "") or self.name_en

    @property
    def effective_deadline(self) -> str:
        return self.deadline or self.category.deadline

    @property
    def effective_criticality(self) -> int:
        return self.criticality or self.category.criticality

    @property
    def effective_routing(self) -> str:
        return self.routing or self.category.routing

    @property
    def is_urgent(self) -> bool:
        return self.urgent or self.category.urgent


def _check_routing(text: str) -> None:
    from django.core.exceptions import ValidationError

    try:
        routing_steps(text)
    except ValueError as exc:
        raise ValidationError({"routing": str(exc)}) from None


class Responsibility(models.Model):
    """Who answers for a category on the roadway, or in a district: the organizations the
    routing steps 'roadway' and 'district' hand appeals to.

    A row with no category applies to every category; a 'district' row with no district is
    the city-wide fallback. The most specific row wins.
    """

    class Scope(models.TextChoices):
        ROADWAY = "roadway", "on the roadway"
        DISTRICT = "district", "in the district"

    scope = models.CharField(max_length=10, choices=Scope.choices)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="responsibilities")
    district = models.ForeignKey("layers.District", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="responsibilities")
    organization = models.ForeignKey("layers.Organization", on_delete=models.PROTECT,
                                     related_name="responsibilities")

    class Meta:
        verbose_name_plural = "responsibilities"
        constraints = [
            models.UniqueConstraint(fields=["scope", "category", "district"], nulls_distinct=False,
                                    name="responsibility_once_per_scope"),
        ]

    def __str__(self):
        return f"{self.scope}: {self.category or 'any'} / {self.district or 'city'} → {self.organization}"
