"""Service requests (appeals) as Open311 sees them: public fields only, and filing a new one.

Framework-neutral: the views parse the HTTP request and format the answer.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from django.contrib.gis.geos import Point
from django.db.models import Prefetch
from django.core.exceptions import ValidationError
from django.utils import timezone as dj_timezone

from gis.errors import QalaError
from gis.models import ApiToken
from gis.open311.services import by_code
from layers.appeals import Appeal
from layers.history import AppealEvent
from layers.base import check_geometry

MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 100
DEFAULT_WINDOW = timedelta(days=90)  # the spec's default when no dates are given


class Open311Error(QalaError):
    code = "open311-bad-request"


class MissingApiKey(Open311Error):
    status = 403
    code = "missing-api-key"


class RequestNotFound(Open311Error):
    status = 404
    code = "request-not-found"


def _status_notes(appeal: Appeal) -> str:
    """The appeal's history as states and dates ("registered 2026-11-20; accepted 2026-11-20; …");
    never the staff's free-text notes, which may name the caller."""
    events = list(appeal.events.all())
    if not events:
        return appeal.status
    return "; ".join(f"{e.to_state} {dj_timezone.localtime(e.at):%Y-%m-%d}" for e in events)


HISTORY = Prefetch("events", queryset=AppealEvent.objects.only("appeal_id", "at", "to_state").order_by("at", "id"))


def public(appeal: Appeal, names: dict | None = None) -> dict:
    """One request as published: no caller, no description, no address."""
    service = (names if names is not None else by_code()).get(appeal.category)
    return {
        "service_request_id": appeal.number,
        "status": "closed" if appeal.closed_at else "open",
        "status_notes": _status_notes(appeal),
        "service_name": service.name if service else appeal.category,
        "service_code": appeal.category,
        "agency_responsible": appeal.executor.name if appeal.executor else "",
        "requested_datetime": appeal.registered_at.isoformat(),
        "updated_datetime": appeal.updated_at.isoformat(),
        "expected_datetime": appeal.due_at.isoformat() if appeal.due_at else None,
        "lat": round(appeal.geom.y, 6),
        "long": round(appeal.geom.x, 6),
    }


PUBLIC_COLUMNS = ("number", "category", "status", "registered_at", "updated_at", "due_at", "closed_at", "geom",
                  "executor__name")


def _moment(name: str, raw: str) -> datetime:
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise Open311Error(f"{name} must be a W3C date-time, e.g. 2026-03-01T09:00:00+05:00") from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    try:  # in UTC: PostgreSQL refuses offsets beyond ±15:59 that Python parses (up to ±23:59)
        return moment.astimezone(timezone.utc)
    except OverflowError:
        raise Open311Error(f"{name} is outside the years 1-9999 once in UTC") from None


def _positive(name: str, raw: str | None, default: int, maximum: int) -> int:
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Open311Error(f"{name} must be a whole number") from None
    if not 1 <= value <= maximum:
        raise Open311Error(f"{name} must be between 1 and {maximum}")
    return value


def search(params) -> list[dict]:
    qs = Appeal.objects.select_related("executor").only(*PUBLIC_COLUMNS).prefetch_related(HISTORY)
    ids = params.get("service_request_id")
    if ids:
        qs = qs.filter(number__in=[i.strip() for i in ids.split(",")][:MAX_PAGE_SIZE])
    else:
        start = _moment("start_date", params["start_date"]) if params.get("start_date") else None
        end = _moment("end_date", params["end_date"]) if params.get("end_date") else None
        if start is None and end is None:
            start = dj_timezone.now() - DEFAULT_WINDOW
        if start:
            qs = qs.filter(registered_at__gte=start)
        if end:
            qs = qs.filter(registered_at__lte=end)
        if params.get("service_code"):
            qs = qs.filter(category__in=params["service_code"].split(","))
        status = params.get("status")
        if status:
            wanted = set(status.split(","))
            if not wanted <= {"open", "closed"}:
                raise Open311Error("status must be open, closed or both")
            if wanted == {"open"}:
                qs = qs.open()
            elif wanted == {"closed"}:
                qs = qs.filter(closed_at__isnull=False)
    size = _positive("page_size", params.get("page_size"), DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    page = _positive("page", params.get("page"), 1, 1_000_000)
    qs = qs.order_by("-registered_at", "-id")[(page - 1) * size: page * size]
    names = by_code()
    return [public(a, names) for a in qs]


def get(number: str) -> dict:
    appeal = (Appeal.objects.select_related("executor").only(*PUBLIC_COLUMNS).prefetch_related(HISTORY)
              .filter(number=number).first())
    if appeal is None:
        raise RequestNotFound(f"no service request {number[:40]!r}")
    return public(appeal)


def _text(data, name: str, limit: int) -> str:
    value = str(data.get(name) or "").strip()
    if len(value) > limit:
        raise Open311Error(f"{name} is longer than {limit} characters")
    return value


def _point(data) -> Point:
    if data.get("lat") in (None, "") or data.get("long") in (None, ""):
        raise Open311Error("lat and long are required (address_string alone cannot be located yet)")
    try:
        point = Point(float(data["long"]), float(data["lat"]), srid=4326)
    except (TypeError, ValueError):  # TypeError: a JSON body's list or object
        raise Open311Error("lat and long must be numbers") from None
    try:
        check_geometry(point)
    except ValidationError:
        raise Open311Error("the location lies outside the city; check lat/long (WGS 84 degrees)") from None
    return point


def _attribute(data, code: str) -> str:
    """attribute[code]=… as a form field, or {"attribute": {code: …}} in a JSON body."""
    nested = data.get("attribute") if hasattr(data, "get") else None
    value = nested.get(code) if isinstance(nested, dict) else data.get(f"attribute[{code}]")
    return str(value or "").strip()[:60]


def create(data, idempotency_key: str | None = None) -> tuple[dict, bool]:
    """File a request through the workflow, like any other channel: its number, deadline,
    district and first history row come from there. Returns the row and whether it is a retry
    answered with the first request (the key from the Idempotency-Key header or the
    `idempotency_key` field, for clients that cannot set headers)."""
    from gis.workflow.appeals import register, request_key

    key = data.get("api_key")
    token = ApiToken.authenticate(key) if isinstance(key, str) else None
    if token is None:
        raise MissingApiKey("a valid api_key is required to file a request")
    services = by_code()
    code = data.get("service_code")
    service = services.get(code) if isinstance(code, str) else None  # a JSON body may send a list or object
    if service is None:
        raise Open311Error(f"service_code must be one of: {', '.join(services)}")
    point = _point(data)
    name = " ".join(p for p in (_text(data, "first_name", 100), _text(data, "last_name", 100)) if p)
    incident_type = _attribute(data, "incident_type") or None
    key = idempotency_key or data.get("idempotency_key")
    appeal = register(category=service.code, point=point, actor=None, channel=token.channel, caller_name=name,
                      incident_type=incident_type, request_key=request_key(f"token{token.pk}", key and str(key)),
                      caller_phone=_text(data, "phone", 50), description=_text(data, "description", 4000),
                      address=_text(data, "address_string", 300))
    return {"service_request_id": appeal.number, "service_notice": f"expected within {service.deadline_days} days",
            "account_id": None}, appeal.replayed
