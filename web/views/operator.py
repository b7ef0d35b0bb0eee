"""The operator console: find the caller's yard, see what is there, register the appeal, in one screen."""
from __future__ import annotations

import json

from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gis.errors import QalaError
from web.access import OPERATOR, role_required
from gis.workflow.states import STATES
from web.appeals import InvalidAppeal, categories, incident_types, register
from web.views.common import lang, map_config, page

LAYERS = ["districts", "streets", "yards", "buildings", "network_segments", "wells", "dig_orders",
          "repair_works", "appeals"]


@require_GET
@role_required(OPERATOR)
def console(request):
    cats = categories(lang(request))
    names = {"states": {code: st.label(lang(request)) for code, st in STATES.items()}, "categories": dict(cats),
             "roles": {"ksk": _("KSK"), "utility": _("utility")},
             "kinds": {"heating": _("heating"), "water": _("water"), "sewer": _("sewer"), "storm": _("storm drain"),
                       "power": _("power"), "gas": _("gas")},
             "paving": {"good": _("good"), "fair": _("fair"), "poor": _("poor"), "unpaved": _("unpaved")}}
    return page(request, "web/operator.html", {"map": map_config(request, LAYERS, zoom=13),
                                               "categories": cats, "names": names,
                                               "incident_types": incident_types(lang(request))},
                legend_layers=LAYERS)


@require_POST
@role_required(OPERATOR)
def register_appeal(request):
    """Store the appeal and answer with its registration number at once (JSON or a form post)."""
    try:
        if request.content_type == "application/json":
            try:
                data = json.loads(request.body or b"{}")
            except ValueError:
                raise InvalidAppeal("The request body is not JSON.") from None
            if not isinstance(data, dict):
                raise InvalidAppeal("The request body must be a JSON object.")
        else:
            data = request.POST.dict()
        appeal = register(data, actor=request.user)
    except QalaError as exc:
        return JsonResponse(exc.problem(), status=exc.status, content_type="application/problem+json")
    return JsonResponse({"number": appeal.number, "url": reverse("web:appeal", args=[appeal.number]),
                         "due_at": appeal.due_at.isoformat() if appeal.due_at else None, "urgent": appeal.urgent,
                         "lon": appeal.geom.x, "lat": appeal.geom.y}, status=201)
