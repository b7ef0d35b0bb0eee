"""The operator console: find the caller's yard, see what is there, register the appeal, in one screen."""
from __future__ import annotations

import json

from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from web.access import OPERATOR, role_required
from gis.workflow.states import STATES
from gis.workflow.appeals import request_key
from gis.workflow.views import client_id, replayable
from gis.workflow.lifecycle import perform
from layers.appeals import Appeal
from web.appeals import AppealNotFound, InvalidAppeal, categories, incident_types, register, state_title
from web.views.common import lang, map_config, page

LAYERS = ["districts", "streets", "yards", "buildings", "network_segments", "wells", "dig_orders",
          "repair_works", "appeals"]


@require_GET
@role_required(OPERATOR)
def console(request):
    cats = categories(lang(request))
    names = {"states": {code: st.label(lang(request)) for code, st in STATES.items()}, "categories": dict(cats),
             "roles": {"ksk": _("KSK"), "utility": _("utility")},
             "no_answer": _("No answer from the server. Press Register again: the appeal will not be "
                            "registered twice."),
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
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, RecursionError):  # not JSON, or nested too deep to parse
            raise InvalidAppeal("The request body is not JSON.") from None
        if not isinstance(data, dict):
            raise InvalidAppeal("The request body must be a JSON object.")
    else:
        data = request.POST.dict()
    appeal = register(data, actor=request.user,
                      request_key=request_key(client_id(request), request.headers.get("Idempotency-Key")))
    return replayable(JsonResponse({"number": appeal.number, "url": reverse("web:appeal", args=[appeal.number]),
                                    "due_at": appeal.due_at.isoformat() if appeal.due_at else None,
                                    "urgent": appeal.urgent, "lon": appeal.geom.x, "lat": appeal.geom.y},
                                   status=201), appeal)


# what an operator does on the call itself: accept, settle it at first contact, or open an incident
OPERATOR_ACTIONS = ("accept", "resolve", "incident")


@require_POST
@role_required(OPERATOR)
def appeal_action(request, number: str, action: str):
    """One lifecycle step through the workflow (it checks role, state and inputs); JSON in and out."""
    if action not in OPERATOR_ACTIONS:
        raise InvalidAppeal(f"{action[:20]!r} is not an operator action here; use one of "
                            f"{', '.join(OPERATOR_ACTIONS)}.", field="action")
    appeal = Appeal.objects.filter(number=number).only("pk").first()
    if appeal is None:
        raise AppealNotFound(f"No appeal is registered under {number[:40]}.")
    try:
        body = json.loads(request.body or b"{}") if request.content_type == "application/json" else request.POST
    except (ValueError, RecursionError):
        raise InvalidAppeal("The request body is not JSON.") from None
    note = str((body.get("note") if hasattr(body, "get") else "") or "")[:2000]
    appeal = perform(appeal, action, request.user, note=note)
    return JsonResponse({"number": appeal.number, "status": appeal.status,
                         "status_title": state_title(appeal.status, lang(request))})
