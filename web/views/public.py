"""Pages for anyone: the city map of works, the paving queue, an appeal's status by number.

Nothing here reads a personal field (caller, phone, description, address of an appeal).
"""
from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from django.utils import timezone
from django.utils.translation import gettext as _

from gis.errors import QalaError
from layers.dig_orders import DigOrder
from layers.yards import Yard
from web.appeals import AppealNotFound, public_status
from web.mapstyle import DEADLINE_COLORS, DEADLINE_SOON_DAYS
from web.paving import paving_queue, plan, weights
from web.views.common import lang, map_config, page

WORKS = ["districts", "streets", "yards", "buildings", "dig_orders", "repair_works"]


class NotFound(QalaError):
    status = 404
    code = "not-found"


def _queue_points(queue) -> dict:
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [y.lon, y.lat]},
         "properties": {"rank": y.rank, "yard_id": y.yard_id, "name": y.name}} for y in queue]}


@require_GET
def home(request):
    """The city map of works: dig orders coloured by their restoration deadline, repair works, the paving queue."""
    return page(request, "web/home.html", {"map": map_config(request, WORKS), "points": _queue_points(paving_queue()),
                                           "deadline_colors": DEADLINE_COLORS, "soon_days": DEADLINE_SOON_DAYS,
                                           "labels": {"contractor": _("Contractor"), "restore_by": _("Restore by"),
                                                      "purpose": _("Purpose")}},
                legend_layers=WORKS)


@require_GET
def dig_order(request, order_id: int):
    """One dig order's public card for the map's popup: who dug and by when the asphalt is back."""
    order = DigOrder.objects.select_related("contractor").filter(pk=order_id).first()
    if order is None:
        raise NotFound(f"No dig order {order_id}.")
    today = timezone.localdate()
    state = ("closed" if order.closed_on else "overdue" if order.restore_by < today
             else "soon" if (order.restore_by - today).days <= DEADLINE_SOON_DAYS else "on_time")
    return JsonResponse({"number": order.number, "contractor": order.contractor.name, "purpose": order.purpose,
                         "issued_on": order.issued_on, "restore_by": order.restore_by, "closed_on": order.closed_on,
                         "state": state}, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})


@require_GET
def paving(request):
    """The yard-paving queue as a ranked table and a map, with the weights that order it."""
    queue = paving_queue()
    points = _queue_points(queue)
    return page(request, "web/paving.html", {
        "queue": queue, "weights": weights(), "points": points, "plan_year": plan()[0],
        "planned": sum(1 for y in queue if y.planned_year),
        "map": map_config(request, ["districts", "streets", "yards", "buildings"], zoom=12)},
        legend_layers=["yards", "buildings"])


@require_GET
def paving_json(request):
    year, per_year = plan()
    return JsonResponse({"weights": weights(), "plan": {"year": year, "yards": per_year},
                         "yards": [y.as_dict() for y in paving_queue()]})


@require_GET
def appeal_lookup(request):
    number = request.GET.get("number", "").strip()
    if not number:
        return redirect("web:home")
    return redirect("web:appeal", number=number[:40])


@require_GET
def appeal(request, number: str):
    """An appeal's status for the citizen who holds its number."""
    try:
        status = public_status(number, lang(request))
    except AppealNotFound as exc:
        return page(request, "web/appeal_not_found.html", {"number": number[:40], "error": exc}, status=404)
    return page(request, "web/appeal.html", {"a": status})


@require_GET
def yard_geojson(request, yard_id: int):
    """One yard's outline and its houses, to highlight what the operator found (public layers only)."""
    yard = Yard.objects.filter(pk=yard_id).only("geom", "name").first()
    if yard is None:
        raise NotFound(f"No yard {yard_id}.")
    features = [{"type": "Feature", "geometry": json.loads(yard.geom.geojson),
                 "properties": {"kind": "yard", "id": yard.pk, "name": yard.name}}]
    features += [{"type": "Feature", "geometry": json.loads(b.geom.geojson),
                  "properties": {"kind": "building", "id": b.pk}}
                 for b in yard.buildings.only("geom")[:200]]
    return JsonResponse({"type": "FeatureCollection", "features": features})
