"""The services (appeal categories) Open311 offers.

A small fixed list for now, with the codes of the appeal categories; the
editable catalog replaces it in a later issue. Deadlines in calendar days:
15 by law, 30 with a site visit, 7 for an answer, 1 for a reference question.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    group: str
    deadline_days: int
    description: str = ""


SERVICES = [
    Service("heating", "Heating", "energy", 15),
    Service("water", "Water supply", "energy", 15),
    Service("sewerage", "Sewerage", "energy", 15),
    Service("power", "Power supply", "energy", 15),
    Service("gas", "Gas supply", "energy", 15),
    Service("housing", "Housing and KSK", "housing", 15),
    Service("roads", "Roads", "transport and roads", 30),
    Service("transport", "Public transport", "transport and roads", 15),
    Service("lighting", "Street lighting", "improvement", 15),
    Service("waste", "Waste removal", "improvement", 7),
    Service("improvement", "Improvement and yards", "improvement", 30),
    Service("trees", "Trees and greenery", "improvement", 15),
    Service("public_order", "Public order", "public order", 15),
]
BY_CODE = {s.code: s for s in SERVICES}
