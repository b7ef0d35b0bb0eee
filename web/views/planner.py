"""The planner's map: every registry layer switchable, a time filter, the 3D buildings toggle,
and a network segment's accident history on a click."""
from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from gis.errors import QalaError
from layers.base import NETWORK_KINDS
from layers.districts import District
from web import reports
from web.access import PLANNER, role_required
from web.views.dashboard import BadPeriod
from web.mapstyle import NETWORK_COLORS
from web.networks import accident_history
from web.views.common import map_config, page

FIRST_SHOWN = ["districts", "streets", "buildings", "network_segments", "dig_orders", "repair_works"]
PERIODS = [30, 90, 365, 1095]


@require_GET
@role_required(PLANNER)
def planner(request):
    return page(request, "web/planner.html", {"map": map_config(request, FIRST_SHOWN), "shown": FIRST_SHOWN,
                                              "periods": PERIODS, "districts": District.objects.only("name"),
                                              "network_kinds": [(k, NETWORK_COLORS[k]) for k, _ in NETWORK_KINDS]})


@require_GET
@role_required(PLANNER)
def district_report(request, district_id: int):
    """A district's hotspot map as one HTML file that opens offline (folium, Leaflet inlined)."""
    try:
        days = int(request.GET.get("days") or 365)
        if not 1 <= days <= 1098:
            raise ValueError
    except ValueError:
        return JsonResponse(BadPeriod("days must be a whole number from 1 to 1098.").problem(), status=400,
                            content_type="application/problem+json")
    try:
        html = reports.district_report(district_id, days)
    except QalaError as exc:
        return JsonResponse(exc.problem(), status=exc.status, content_type="application/problem+json")
    resp = HttpResponse(html, content_type="text/html; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="hotspots-district-{district_id}-{days}d.html"'
    return resp


@require_GET
@role_required(PLANNER)
def segment_accidents(request, segment_id: int):
    try:
        data = accident_history(segment_id)
    except QalaError as exc:
        return JsonResponse(exc.problem(), status=exc.status, content_type="application/problem+json")
    return JsonResponse(data, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})
