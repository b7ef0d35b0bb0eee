"""The services Open311 offers are the catalog's active categories (layers/catalog.py).

An editor who adds a category in the admin adds a service; the deadline shown is the
category's own (1, 7, 15 or 30 calendar days).
"""
from __future__ import annotations

from dataclasses import dataclass

from layers.catalog import DEADLINE_DAYS, Category, IncidentType


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    group: str
    deadline_days: int
    description: str = ""
    metadata: bool = False  # has a definition with attributes (its incident types)


def services() -> list[Service]:
    with_types = set(IncidentType.objects.filter(active=True).values_list("category__code", flat=True))
    return [Service(c.code, c.name_en, c.name_en, DEADLINE_DAYS[c.deadline], f"{c.name_ru} / {c.name_kk}",
                    c.code in with_types)
            for c in Category.objects.filter(active=True).order_by("code")]


def definition(code: str) -> dict | None:
    """GeoReport v2 service definition: the incident type as an optional single-value list."""
    category = Category.objects.filter(code=code, active=True).first()
    if category is None:
        return None
    types = category.incident_types.filter(active=True).order_by("code")
    attributes = [{
        "variable": True, "code": "incident_type", "datatype": "singlevaluelist", "required": False,
        "datatype_description": "one of the values' keys", "order": 1,
        "description": "What exactly happened / Что именно случилось / Не болды",
        "values": [{"key": t.code, "name": f"{t.name_en} / {t.name_ru}"} for t in types],
    }] if types else []
    return {"service_code": category.code, "attributes": attributes}


def by_code() -> dict[str, Service]:
    return {s.code: s for s in services()}
