"""Django finds the layer models here; they live one per module, listed in the registry."""
from layers.registry import load

registry = load()

# workflow models without geometry (not registry layers)
from layers.catalog import Category, IncidentType, Responsibility  # noqa: E402,F401
from layers.history import AppealEvent  # noqa: E402,F401
from layers.staff import StaffMember  # noqa: E402,F401
from layers.outbox import Notice  # noqa: E402,F401
