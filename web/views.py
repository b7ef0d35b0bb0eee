from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from layers.registry import registry
from layers.stats import feature_counts


def home(request):
    """The landing page: what the city holds, layer by layer (the map comes with the web issue)."""
    lang = (request.LANGUAGE_CODE or "en")[:2]
    counts = feature_counts()
    rows = [{"id": layer.id, "title": layer.title(lang), "count": counts[layer.id],
             "color": layer.style.color} for layer in registry]
    return render(request, "web/home.html", {"layers": rows})


def health(request):
    with connection.cursor() as cur:
        cur.execute("SELECT postgis_lib_version()")
        postgis = cur.fetchone()[0]
    return JsonResponse({"status": "ok", "postgis": postgis})
