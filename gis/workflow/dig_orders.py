"""Dig orders: registering one (checked before writing) and closing it with its act."""
from __future__ import annotations

import datetime as dt

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gis.workflow import roles
from gis.workflow.errors import BadDigOrder, OutsideCity
from layers.base import check_geometry
from layers.dig_orders import DigOrder
from layers.organizations import Organization


def _date(value, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise BadDigOrder(f"{field} {value!r} is not a date (YYYY-MM-DD)", field=field) from None


def register(*, number: str, contractor: Organization, area: GEOSGeometry, issued_on, restore_by,
             purpose: str = "", actor=None) -> DigOrder:
    """A new dig order; `actor` None is an import or an integration, a person needs editor or inspector."""
    if actor is not None:
        roles.require(actor, "editor", "inspector", doing="register dig orders")
    issued_on, restore_by = _date(issued_on, "issued_on"), _date(restore_by, "restore_by")
    if restore_by < issued_on:
        raise BadDigOrder(f"dig order {number}: the restoration deadline {restore_by} precedes the issue date "
                          f"{issued_on}", field="restore_by")
    if not number.strip():
        raise BadDigOrder("a dig order needs its number", field="number")
    if area.geom_type == "Polygon":
        area = MultiPolygon(area, srid=area.srid)
    if area.geom_type != "MultiPolygon":
        raise BadDigOrder(f"a dig order's area is a polygon, got a {area.geom_type}", field="geom")
    try:
        check_geometry(area)
    except ValidationError as exc:
        raise OutsideCity(exc.message_dict["geom"][0]) from None
    if DigOrder.objects.filter(number=number).exists():
        raise BadDigOrder(f"dig order {number} is already registered", field="number")
    return DigOrder.objects.create(number=number, contractor=contractor, geom=area, issued_on=issued_on,
                                   restore_by=restore_by, purpose=purpose)


def close(order: DigOrder, *, closing_act: str, closed_on=None, actor=None) -> DigOrder:
    """Close an order: needs the number of the restoration act (the database insists too)."""
    if actor is not None:
        roles.require(actor, "editor", "inspector", doing="close dig orders")
    if not (closing_act or "").strip():
        raise BadDigOrder(f"dig order {order.number} cannot be closed without a closing act", field="closing_act")
    closed_on = _date(closed_on or timezone.localdate(), "closed_on")
    with transaction.atomic():
        order = DigOrder.objects.select_for_update().get(pk=order.pk)
        if order.closed_on:
            raise BadDigOrder(f"dig order {order.number} was already closed on {order.closed_on}")
        if closed_on < order.issued_on:
            raise BadDigOrder(f"closing date {closed_on} precedes the issue date {order.issued_on}",
                              field="closed_on")
        order.closing_act, order.closed_on = closing_act.strip(), closed_on
        order.save(update_fields=["closing_act", "closed_on", "updated_at"])
    return order
