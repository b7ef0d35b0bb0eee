"""The planner's map: every registry layer switchable, the 3D buildings toggle."""
from __future__ import annotations

from django.views.decorators.http import require_GET

from web.access import PLANNER, role_required
from web.views.common import map_config, page

FIRST_SHOWN = ["districts", "streets", "buildings", "network_segments", "dig_orders", "repair_works"]


@require_GET
@role_required(PLANNER)
def planner(request):
    return page(request, "web/planner.html", {"map": map_config(request, FIRST_SHOWN), "shown": FIRST_SHOWN})
