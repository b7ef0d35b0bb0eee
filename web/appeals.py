"""The operator form's appeal, handed to the workflow's registration service, and an appeal's
public status.

The workflow (gis/workflow) numbers the appeal, takes the deadline from the catalog and
writes the first history row; this module only checks what a form can get wrong and
says which field, and picks what a citizen holding the number may see.
"""
from __future__ import annotations

import re

from django.utils import timezone

from gis.errors import QalaError
from gis.workflow import appeals as workflow
from gis.workflow.errors import OutsideCity, UnknownCategory
from gis.workflow.states import STATES
from layers.appeals import Appeal
from layers.catalog import Category, IncidentType
from layers.history import AppealEvent

NUMBER = re.compile(r"^109-\d{4}-\d{6}$")
LIMITS = {"caller_name": 200, "caller_phone": 50, "description": 5000, "address": 300}


class InvalidAppeal(QalaError):
    code = "invalid-appeal"


class AppealNotFound(QalaError):
    status = 404
    code = "appeal-not-found"


def categories(lang: str) -> list[tuple[str, str]]:
    """The active catalog categories, named in the language."""
    return [(c.code, c.name(lang)) for c in Category.objects.filter(active=True).order_by("code")]


def incident_types(lang: str) -> list[dict]:
    return [{"code": t.code, "category": t.category.code, "title": t.name(lang), "urgent": t.is_urgent}
            for t in IncidentType.objects.filter(active=True, category__active=True)
            .select_related("category").order_by("category__code", "code")]


def category_title(code: str, lang: str) -> str:
    cat = Category.objects.filter(code=code).first()
    return cat.name(lang) if cat else code


def state_title(code: str, lang: str) -> str:
    state = STATES.get(code)
    return state.label(lang) if state else code


def _text(data: dict, name: str, required: bool = False) -> str:
    value = str(data.get(name) or "").strip()
    if required and not value:
        raise InvalidAppeal(f"{name} is required.", field=name)
    if len(value) > LIMITS[name]:
        raise InvalidAppeal(f"{name} is longer than {LIMITS[name]} characters.", field=name)
    return value


def _point(data: dict) -> tuple[float, float]:
    try:
        return float(data.get("lon")), float(data.get("lat"))
    except (TypeError, ValueError):
        raise InvalidAppeal("Choose the place: search an address or click the map.", field="point") from None


def register(data: dict, actor, request_key: str | None = None) -> Appeal:
    """Check the form, then register through the workflow (which checks role, catalog and place).

    The console sends one Idempotency-Key per filled form, so a retry after a lost answer or a
    double click returns the appeal already stored (`.replayed`) instead of a second one.
    """
    category = str(data.get("category") or "").strip()
    if not category:
        raise InvalidAppeal("category is required.", field="category")
    fields = {"caller_name": _text(data, "caller_name"), "caller_phone": _text(data, "caller_phone"),
              "description": _text(data, "description", required=True), "address": _text(data, "address")}
    point = _point(data)
    try:
        return workflow.register(category=category[:40],
                                 incident_type=str(data.get("incident_type") or "")[:60] or None,
                                 point=point, actor=actor, channel="phone",
                                 request_key=request_key, **fields)
    except UnknownCategory as exc:
        raise InvalidAppeal(exc.message, field="category") from None
    except OutsideCity as exc:
        raise InvalidAppeal(exc.message, field="point") from None


def public_status(number: str, lang: str) -> dict:
    """What anyone holding the number may see: no caller, phone, description, address or person."""
    number = number.strip()
    if not NUMBER.match(number):
        raise AppealNotFound(f"{number[:40]} is not a registration number (109-YYYY-NNNNNN).")
    appeal = (Appeal.objects.select_related("executor", "district").filter(number=number)
              .only("number", "category", "status", "urgent", "registered_at", "due_at", "closed_at",
                    "executor__name", "executor__name_kk", "district__name", "district__name_kk").first())
    if appeal is None:
        raise AppealNotFound(f"No appeal is registered under {number}.")
    today = timezone.localdate()
    due = timezone.localdate(appeal.due_at) if appeal.due_at else None
    state = STATES.get(appeal.status)
    is_open = state.is_open if state else appeal.closed_at is None
    return {"number": appeal.number, "category": category_title(appeal.category, lang),
            "status": appeal.status, "status_title": state_title(appeal.status, lang), "urgent": appeal.urgent,
            "registered_at": appeal.registered_at, "due_at": appeal.due_at, "closed_at": appeal.closed_at,
            "executor": appeal.executor, "district": appeal.district,
            "days_left": (due - today).days if due and is_open else None,
            "overdue": bool(due and is_open and due < today),
            "history": history(appeal, lang)}


def history(appeal: Appeal, lang: str) -> list[dict]:
    """Dates and states only: the actor is a person and a note may quote the caller."""
    rows = [{"at": e.at, "status": e.to_state, "title": state_title(e.to_state, lang)}
            for e in AppealEvent.objects.filter(appeal=appeal).only("at", "to_state").order_by("at", "id")]
    return rows or [{"at": appeal.registered_at, "status": "registered", "title": state_title("registered", lang)}]
