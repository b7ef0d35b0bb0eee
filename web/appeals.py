"""Registering an appeal from the operator console, and its public status.

A stop-gap until the workflow module's registration service lands: the number is
109-YYYY-NNNNNN from a PostgreSQL sequence per year (created on first use), the
deadline is the legal 15 calendar days, and the executor is who answers for the
spot: the yard's KSK for housing matters, the nearest network's operator for a
utility matter.
"""
from __future__ import annotations

import datetime as dt
import re

from django.contrib.gis.geos import Point
from django.db import connection, transaction
from django.utils import timezone

from gis.errors import QalaError
from gis.geocoding.here import here
from layers.appeals import Appeal
from layers.base import city_extent

DUE_DAYS = 15  # by law a state body considers an appeal within 15 calendar days
NUMBER = re.compile(r"^109-\d{4}-\d{6}$")

# (code, ru, kk, en); a network kind in the code routes the appeal to that network's operator
CATEGORIES = [
    ("heating", "Отопление", "Жылу", "Heating"),
    ("water", "Водоснабжение", "Сумен жабдықтау", "Water supply"),
    ("sewer", "Канализация", "Кәріз", "Sewerage"),
    ("power", "Электроснабжение", "Электрмен жабдықтау", "Power supply"),
    ("gas", "Газоснабжение", "Газбен жабдықтау", "Gas supply"),
    ("housing", "ЖКХ и КСК", "ТКШ және ПИК", "Housing and KSK"),
    ("yard", "Благоустройство двора", "Ауланы абаттандыру", "Yard improvement"),
    ("roads", "Дороги и транспорт", "Жолдар және көлік", "Roads and transport"),
    ("lighting", "Освещение", "Жарықтандыру", "Street lighting"),
    ("waste", "Вывоз мусора", "Қоқыс шығару", "Waste removal"),
    ("open_manhole", "Открытый люк", "Ашық құдық", "Open manhole"),
    ("excavation", "Брошенная раскопка", "Тасталған қазба", "Abandoned excavation"),
    ("other", "Другое", "Басқа", "Other"),
]
KSK_CATEGORIES = {"housing", "yard"}
LANG_INDEX = {"ru": 1, "kk": 2, "en": 3}


class InvalidAppeal(QalaError):
    code = "invalid-appeal"


class AppealNotFound(QalaError):
    status = 404
    code = "appeal-not-found"


def categories(lang: str) -> list[tuple[str, str]]:
    i = LANG_INDEX.get(lang, 3)
    return [(c[0], c[i]) for c in CATEGORIES]


def category_title(code: str, lang: str) -> str:
    return dict(categories(lang)).get(code, code)


def _next_number(year: int) -> str:
    """109-YYYY-NNNNNN: a sequence per year, moved past any number already stored (imports)."""
    seq = f"web_appeal_number_{year}"
    prefix = f"109-{year}-"
    with connection.cursor() as cur:
        cur.execute(f"CREATE SEQUENCE IF NOT EXISTS {seq} MINVALUE 1 MAXVALUE 999999")
        for _ in range(3):
            cur.execute("SELECT nextval(%s)", [seq])
            number = f"{prefix}{cur.fetchone()[0]:06d}"
            if not Appeal.objects.filter(number=number).exists():
                return number
            cur.execute("""SELECT setval(%s, greatest(max(substring(number FROM 10)::int), 1))
                           FROM layers_appeal WHERE number ~ %s""", [seq, rf"^{prefix}\d{{6}}$"])
    raise InvalidAppeal("Could not allot a registration number; try again.")


def _text(data: dict, name: str, limit: int, required: bool = False) -> str:
    value = str(data.get(name) or "").strip()
    if required and not value:
        raise InvalidAppeal(f"{name} is required.", field=name)
    if len(value) > limit:
        raise InvalidAppeal(f"{name} is longer than {limit} characters.", field=name)
    return value


def _point(data: dict) -> Point:
    try:
        lon, lat = float(data.get("lon")), float(data.get("lat"))
    except (TypeError, ValueError):
        raise InvalidAppeal("Choose the place: search an address or click the map.", field="point") from None
    point = Point(lon, lat, srid=4326)
    if not city_extent().contains(point):
        raise InvalidAppeal("The point is outside the city.", field="point")
    return point


def register(data: dict, channel: str = "phone") -> Appeal:
    """Validate the operator's form and store the appeal; raises InvalidAppeal naming the field."""
    category = _text(data, "category", 50, required=True)
    if category not in {c[0] for c in CATEGORIES}:
        raise InvalidAppeal(f"Unknown category {category[:50]!r}.", field="category")
    fields = {"caller_name": _text(data, "caller_name", 200), "caller_phone": _text(data, "caller_phone", 50),
              "description": _text(data, "description", 5000, required=True),
              "address": _text(data, "address", 300)}
    point = _point(data)
    spot = here(point.x, point.y, radius_m=300, days=1)
    executor_id = None
    if category in KSK_CATEGORIES and spot["yard"]:
        executor_id = spot["yard"]["ksk_id"]
    for net in spot["networks"]:
        if net["network_kind"] == category and executor_id is None:
            executor_id = net["organization_id"]
    building = spot["building"]
    now = timezone.now()
    with transaction.atomic():
        return Appeal.objects.create(
            number=_next_number(timezone.localdate().year), category=category, channel=channel,
            status="registered", registered_at=now, due_at=now + dt.timedelta(days=DUE_DAYS),
            executor_id=executor_id, district_id=(spot["district"] or {}).get("id"),
            building_id=building["id"] if building and building["inside"] else None, geom=point, **fields)


def public_status(number: str) -> dict:
    """What anyone holding the number may see: no caller, phone, description or address."""
    number = number.strip()
    if not NUMBER.match(number):
        raise AppealNotFound(f"{number[:40]} is not a registration number (109-YYYY-NNNNNN).")
    appeal = (Appeal.objects.select_related("executor", "district").filter(number=number)
              .only("number", "category", "status", "registered_at", "due_at", "closed_at",
                    "executor__name", "executor__name_kk", "district__name", "district__name_kk").first())
    if appeal is None:
        raise AppealNotFound(f"No appeal is registered under {number}.")
    today = timezone.localdate()
    due = timezone.localdate(appeal.due_at) if appeal.due_at else None
    return {"number": appeal.number, "category": appeal.category, "status": appeal.status,
            "registered_at": appeal.registered_at, "due_at": appeal.due_at, "closed_at": appeal.closed_at,
            "executor": appeal.executor, "district": appeal.district,
            "days_left": (due - today).days if due and not appeal.closed_at else None,
            "overdue": bool(due and not appeal.closed_at and due < today),
            "history": _history(appeal)}


def _history(appeal: Appeal) -> list[dict]:
    """Status changes from the workflow's append-only history when it is there (dates and states
    only: an actor is a person, a note may quote the caller); else what the appeal row itself tells."""
    events = getattr(appeal, "events", None)
    if events is not None:
        rows = [{"at": e.at, "status": e.to_state} for e in events.only("at", "to_state").order_by("at", "id")]
        if rows:
            return rows
    rows = [{"at": appeal.registered_at, "status": "registered"}]
    if appeal.closed_at:
        rows.append({"at": appeal.closed_at, "status": "closed"})
    return rows
