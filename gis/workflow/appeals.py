"""Registering an appeal: number, catalog, deadline, place, and its first history row."""
from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.contrib.gis.geos import GEOSGeometry, Point
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from gis.workflow import deadlines, roles
from gis.workflow.catalog import resolve
from gis.workflow.errors import BadIdempotencyKey, IdempotencyKeyReused, InvalidText, OutsideCity, UnknownChannel
from layers.appeals import CHANNELS, Appeal
from layers.base import check_geometry
from layers.dig_orders import DigOrder
from layers.history import AppealEvent

CHANNEL_CODES = {code for code, _ in CHANNELS}
# incident types that report a dig left open: linked to the nearest open dig order
EXCAVATION_TYPES = {"roads.abandoned_excavation"}


def next_number(registered_at: dt.datetime) -> str:
    """109-YYYY-NNNNNN, the year taken in the city's time zone."""
    with connection.cursor() as cur:
        cur.execute("SELECT qala_next_appeal_number(%s)", [deadlines.local_date(registered_at).year])
        return cur.fetchone()[0]


def _lookups(point: Point) -> tuple[int, int | None]:
    """The catalog's version and the point's district in one round trip (see catalog.resolve)."""
    with connection.cursor() as cur:
        cur.execute("SELECT (SELECT version FROM qala_catalog_version), (SELECT id FROM layers_district "
                    "WHERE ST_Contains(geom, ST_GeomFromEWKT(%s)) LIMIT 1)", [point.ewkt])
        return cur.fetchone()


def _place(point) -> Point:
    if not isinstance(point, GEOSGeometry):
        try:
            lon, lat = point
        except (TypeError, ValueError):
            raise OutsideCity("an appeal needs a point: (longitude, latitude)") from None
        point = Point(float(lon), float(lat), srid=4326)
    if point.geom_type != "Point":
        raise OutsideCity(f"an appeal is a point, got a {point.geom_type}")
    if point.srid is None:
        point.srid = 4326
    try:
        check_geometry(point)
    except ValidationError as exc:
        raise OutsideCity(exc.message_dict["geom"][0]) from None
    return point if point.srid == 4326 else point.transform(4326, clone=True)


MAX_KEY_LENGTH = 100


def request_key(who: str, key: str | None) -> str | None:
    """"<who>:<Idempotency-Key>" (who: the client's token or user), so two clients' keys never collide."""
    if key is None or key == "":
        return None
    if len(key) > MAX_KEY_LENGTH or not all(" " <= ch <= "~" for ch in key):
        raise BadIdempotencyKey(f"an Idempotency-Key is 1–{MAX_KEY_LENGTH} printable ASCII characters")
    return f"{who}:{key}"


def _fingerprint(*values) -> str:
    """What the client asked for, to tell a retry from a different appeal under a reused key."""
    return hashlib.sha256(json.dumps(values, ensure_ascii=False, default=str).encode()).hexdigest()[:32]


def _replay(key: str, fingerprint: str) -> Appeal | None:
    """The appeal an earlier request with this key made, if any; the same key with another body is refused."""
    appeal = Appeal.objects.filter(request_key=key).first()
    if appeal is None:
        return None
    first = appeal.events.filter(action="register").order_by("id").values_list("data", flat=True).first() or {}
    if first.get("request") != fingerprint:
        raise IdempotencyKeyReused("this Idempotency-Key was already used for a different appeal "
                                   f"({appeal.number}); use a new key for a new appeal")
    appeal.replayed = True
    return appeal


def _is_key_clash(exc: IntegrityError) -> bool:
    diag = getattr(exc.__cause__, "diag", None)
    return "request_key" in (getattr(diag, "constraint_name", None) or "")


# a caller's words: at most their column's size (description: a long call's notes), and no NUL,
# which PostgreSQL text cannot hold
TEXT_LIMITS = {"category": 50, "incident_type": 80, "caller_name": 200, "caller_phone": 50, "description": 5000,
               "address": 300}


def check_text(**fields: str) -> None:
    for name, value in fields.items():
        if "\x00" in value:
            raise InvalidText(f"{name} contains a NUL character", field=name)
        if len(value) > TEXT_LIMITS[name]:
            raise InvalidText(f"{name} is longer than {TEXT_LIMITS[name]} characters", field=name)


def register(*, category: str, point, actor=None, channel: str = "phone", incident_type: str | None = None,
             caller_name: str = "", caller_phone: str = "", description: str = "", address: str = "",
             dig_order=None, registered_at: dt.datetime | None = None, request_key: str | None = None) -> Appeal:
    """Register a new appeal; every check runs before anything is written.

    `actor` None is a system channel (a bot or app through the API, authenticated there);
    a person registering needs the operator role. With a `request_key` (see request_key()) a
    retry returns the first appeal with `.replayed` True, even when both requests race.
    """
    if actor is not None:
        roles.require(actor, "operator", doing="register appeals")
    check_text(category=category, incident_type=incident_type or "", caller_name=caller_name,
               caller_phone=caller_phone, description=description, address=address)
    if channel not in CHANNEL_CODES:
        raise UnknownChannel(f"unknown channel {channel!r}; channels: {', '.join(sorted(CHANNEL_CODES))}")
    try:
        point = _place(point)
    except OutsideCity:
        resolve(category, incident_type)  # an unknown category is named first, as it always was
        raise
    version, district_id = _lookups(point)
    cat, it = resolve(category, incident_type, version=version)
    fingerprint = _fingerprint(cat.code, it.code if it else "", round(point.x, 7), round(point.y, 7), channel,
                               caller_name, caller_phone, description, address, getattr(dig_order, "pk", dig_order))
    if request_key and (earlier := _replay(request_key, fingerprint)):
        return earlier
    registered_at = registered_at or timezone.now()
    deadline = it.effective_deadline if it else cat.deadline
    if dig_order is None and it is not None and it.code in EXCAVATION_TYPES:
        from gis.workflow.signals import excavation_near

        near = excavation_near(point)
        dig_order = DigOrder.objects.get(pk=near.order_id) if near else None
    try:
        with transaction.atomic():  # a savepoint when nested: a key clash leaves the caller's transaction usable
            appeal = Appeal.objects.create(
                number=next_number(registered_at), category=cat.code, incident_type=it.code if it else "",
                status="registered", channel=channel, registered_at=registered_at,
                due_at=deadlines.initial_due(registered_at, deadline),
                criticality=it.effective_criticality if it else cat.criticality,
                urgent=it.is_urgent if it else cat.urgent,
                address=address, caller_name=caller_name, caller_phone=caller_phone, description=description,
                district_id=district_id, dig_order=dig_order, geom=point, request_key=request_key,
            )
            AppealEvent.objects.create(appeal=appeal, actor=actor, action="register", to_state="registered",
                                       note=f"via {channel}",
                                       data={"due_at": appeal.due_at.isoformat(), "deadline": deadline,
                                             **({"request": fingerprint} if request_key else {})})
    except IntegrityError as exc:
        # a concurrent request with the same key committed first: the unique column decides, we answer with its appeal
        if request_key and _is_key_clash(exc) and (earlier := _replay(request_key, fingerprint)):
            return earlier
        raise
    appeal.replayed = False
    return appeal
