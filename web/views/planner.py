"""The planner's map: every registry layer switchable, a time filter, the 3D buildings toggle,
and a network segment's accident history on a click. User errors raised here become problem
documents in gis.errors.ProblemMiddleware."""
from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

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
        raise BadPeriod("days must be a whole number from 1 to 1098.") from None
    html = reports.district_report(district_id, days)
    resp = HttpResponse(html, content_type="text/html; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="hotspots-district-{district_id}-{days}d.html"'
    return resp


@require_GET
@role_required(PLANNER)
def segment_accidents(request, segment_id: int):
    return JsonResponse(accident_history(segment_id), encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})
