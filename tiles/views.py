"""HTTP for tiles: thin, the work is in tiles.service. User errors raised here become problem
documents in gis.errors.ProblemMiddleware."""
from __future__ import annotations

import re
import time

from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.views.decorators.http import require_GET

from tiles.cache import get_cache, pack_etag
from tiles.service import get_tile
from tiles.tilejson import tilejson

MVT = "application/vnd.mapbox-vector-tile"
GZIP = re.compile(r"\bgzip\b")


@require_GET
def vector_tile(request, source: str, z: str, x: str, y: str):
    started = time.perf_counter()
    tile = get_tile(source, int(z), int(x), int(y))
    if etag_matches(request, tile.etag):
        resp = HttpResponseNotModified()
    elif tile.gz and GZIP.search(request.headers.get("Accept-Encoding", "")):
        resp = HttpResponse(tile.gz, content_type=MVT)
        resp["Content-Encoding"] = "gzip"
    else:
        resp = HttpResponse(tile.data, content_type=MVT)
    resp["ETag"] = tile.etag
    resp["Vary"] = "Accept-Encoding"
    resp["Cache-Control"] = "no-cache"  # revalidate every time: an edit must show at once
    resp["X-Tile-Cache"] = tile.source
    resp["Server-Timing"] = f"tile;desc={tile.source};dur={(time.perf_counter() - started) * 1000:.2f}"
    return resp


def etag_matches(request, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return etag in tags or "*" in tags


@require_GET
def tile_json(request, source: str):
    url = request.build_absolute_uri(f"/tiles/{source}/") + "{z}/{x}/{y}.mvt"
    return JsonResponse(tilejson(source, url))


@require_GET
def density_tile(request, category: str, z: str, x: str, y: str):
    """Kernel density of appeals (one category, or `all`) as a coloured PNG tile."""
    from tiles import density  # rasterio loads only where rasters are used

    get_cache().sync()  # an appeal changed: the surface is rebuilt before this tile
    png = density.png_tile(category, int(z), int(x), int(y))
    etag = pack_etag(png)
    resp = HttpResponseNotModified() if etag_matches(request, etag) else HttpResponse(png, content_type="image/png")
    resp["ETag"] = etag
    resp["Cache-Control"] = "no-cache"
    return resp


@require_GET
def imagery_tile(request, name: str, z: str, x: str, y: str):
    """An imported orthophoto as a PNG tile (transparent outside the image)."""
    from tiles import imagery

    png = imagery.png_tile(name, int(z), int(x), int(y))
    etag = pack_etag(png)
    resp = HttpResponseNotModified() if etag_matches(request, etag) else HttpResponse(png, content_type="image/png")
    resp["ETag"] = etag
    resp["Cache-Control"] = "no-cache"
    return resp
