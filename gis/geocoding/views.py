"""JSON endpoints of the address search; the operator console calls them on every keystroke.

User errors raised here (BadQuery, BadCoordinates, OutsideCity) become problem documents
in gis.errors.ProblemMiddleware.
"""
from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from gis.errors import QalaError
from gis.geocoding.here import BadCoordinates, here
from gis.geocoding.search import BadQuery, search


def _int(request, name: str, default: int, error: type[QalaError]) -> int:
    raw = request.GET.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise error(f"{name} must be a whole number, got {raw[:20]!r}.") from None


@require_GET
def search_view(request):
    hits = search(request.GET.get("q", ""), limit=_int(request, "limit", 10, BadQuery))
    return JsonResponse({"query": request.GET.get("q"), "results": [h.as_dict() for h in hits]},
                        json_dumps_params={"ensure_ascii": False})


@require_GET
def here_view(request):
    result = here(request.GET.get("lon"), request.GET.get("lat"),
                  radius_m=_int(request, "radius", 300, BadCoordinates),
                  days=_int(request, "days", 90, BadCoordinates))
    return JsonResponse(result, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})
