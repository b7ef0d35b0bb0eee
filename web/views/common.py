"""What every page shares: the language, the header links, the map configuration and style."""
from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from web.access import faces
from web.mapstyle import build_style, legend


def lang(request) -> str:
    return (get_language() or settings.LANGUAGE_CODE)[:2]


def map_config(request, visible: list[str] | None = None, zoom: float = 12) -> dict:
    """Handed to the page's script through json_script (never pasted into JS as text)."""
    url = reverse("web:style")
    if visible is not None:
        url += "?layers=" + ",".join(visible)
    lon, lat = settings.QALA_CITY["center"]
    return {"style": url, "center": [lon, lat], "zoom": zoom, "bbox": list(settings.QALA_CITY["bbox"])}


def page(request, template: str, context: dict, status: int = 200, legend_layers: list[str] | None = None):
    ctx = {"faces": faces(request.user), "lang": lang(request), "legend": legend(lang(request), legend_layers)}
    ctx.update(context)
    return render(request, template, ctx, status=status)


@require_GET
def style(request):
    """The MapLibre style for our tiles; ?layers=a,b shows only those at first (the rest stay switchable)."""
    raw = request.GET.get("layers")
    visible = {x for x in raw.split(",") if x} if raw else None
    base = request.build_absolute_uri("/").rstrip("/")
    return JsonResponse(build_style(base, visible))
