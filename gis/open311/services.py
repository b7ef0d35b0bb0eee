"""The services Open311 offers are the catalog's active categories (layers/catalog.py).

An editor who adds a category in the admin adds a service; the deadline shown is the
category's own (1, 7, 15 or 30 calendar days).
"""
from __future__ import annotations

from dataclasses import dataclass

from layers.catalog import DEADLINE_DAYS, Category


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    group: str
    deadline_days: int
    description: str = ""


def services() -> list[Service]:
    return [Service(c.code, c.name_en, c.name_en, DEADLINE_DAYS[c.deadline], f"{c.name_ru} / {c.name_kk}")
            for c in Category.objects.filter(active=True).order_by("code")]


def by_code() -> dict[str, Service]:
    return {s.code: s for s in services()}
