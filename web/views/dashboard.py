"""The supervisor's dashboard: the page, and the JSON it refreshes its numbers from."""
from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from gis.errors import QalaError
from web.access import SUPERVISOR, role_required
from web.dashboard import DEFAULT_DAYS, summary
from web.views.common import lang, page


class BadPeriod(QalaError):
    code = "bad-period"


def _days(request) -> int:
    raw = request.GET.get("days", "")
    if not raw:
        return DEFAULT_DAYS
    if not raw.isdigit() or not 1 <= int(raw) <= 1098:
        raise BadPeriod("days must be a whole number from 1 to 1098 (three years).")
    return int(raw)


@require_GET
@role_required(SUPERVISOR)
def dashboard(request):
    try:
        days = _days(request)
    except BadPeriod as exc:
        return page(request, "web/error.html", {"error": exc}, status=400)
    return page(request, "web/dashboard.html", {"s": summary(days, lang(request)), "periods": [7, 30, 90, 365, 1095]})


@require_GET
@role_required(SUPERVISOR)
def dashboard_json(request):
    return JsonResponse(summary(_days(request), lang(request)), encoder=DjangoJSONEncoder)
