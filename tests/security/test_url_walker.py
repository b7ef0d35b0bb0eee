"""Every URL pattern, walked as an anonymous client: no personal data, no staff page, no write.

The walker resolves the project's URL tree itself and keeps an explicit map of how to fill
each pattern with real ids from a small city; a pattern added without an entry here fails
`test_every_pattern_is_filled`, so a new route cannot slip past the checks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from gis.ogc.processes import PROCESSES
from layers.registry import registry
from tests.security.city import QUARTER_TILE, body, build_city, counts, leaked

WRITES = ("POST", "PUT", "PATCH", "DELETE")
LOGIN_PATHS = ("/login/", "/admin/login/")


def walk(patterns=None, prefix: str = "") -> list[tuple[str, URLPattern]]:
    """(full route, pattern) for every leaf of the URL tree, includes followed."""
    found = []
    for p in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            found += walk(p.url_patterns, route)
        else:
            found.append((route, p))
    return found


def admin_models() -> dict[str, type]:
    """'admin/app/model/' -> model, for every model the admin site registers."""
    return {f"admin/{m._meta.app_label}/{m._meta.model_name}/": m for m in admin.site._registry}


def key(route: str) -> str:
    """The map key of a route: a ModelAdmin's routes are keyed once for every model, the
    admin's app index once for every app."""
    for prefix in admin_models():
        if route.startswith(prefix):
            return "admin/<model>/" + route[len(prefix):]
    return re.sub(r"^admin/\^\(\?P<app_label>[\w|]+\)", "admin/^(?P<app_label><apps>)", route)


def admin_apps() -> list[str]:
    return sorted({m._meta.app_label for m in admin.site._registry})


@dataclass
class Ctx:
    """Real values to put in the routes, from the city the test built."""

    appeal: str
    dig_order: int
    yard: int
    district: int
    segment: int
    admin_prefix: str = ""
    admin_pk: str = "1"


def feature_ids() -> dict[str, str]:
    """One real feature id per registry layer ("1" where a layer is empty)."""
    return {layer.id: str(layer.model.objects.order_by("pk").values_list("pk", flat=True).first() or 1)
            for layer in registry}


def ogc(suffix: str = "", formats=("json", "html")) -> Callable[[Ctx], list[str]]:
    """Every collection (every registry layer), in JSON and HTML."""
    def urls(c: Ctx) -> list[str]:
        ids = feature_ids()
        return [f"/ogc/collections/{layer.id}{suffix.format(fid=ids[layer.id], tile=QUARTER_TILE)}?f={f}"
                for layer in registry for f in formats]
    return urls


def fixed(*urls: str) -> Callable[[Ctx], list[str]]:
    return lambda c: list(urls)


Z, X, Y = QUARTER_TILE
SOURCES = [layer.id for layer in registry] + ["basemap"]
PUBLIC, STAFF = "public", "staff"

# route (as the resolver spells it) -> (how to fill it, who may read it)
FILL: dict[str, tuple[Callable[[Ctx], list[str]], str]] = {
    "health": (fixed("/health"), PUBLIC),
    "ready": (fixed("/ready"), PUBLIC),
    "api/search": (fixed("/api/search?q=Жамбыла", "/api/search?q=Тайная"), PUBLIC),
    "api/here": (fixed("/api/here?lon=69.1503&lat=54.8707"), PUBLIC),
    "api/openapi.json": (fixed("/api/openapi.json"), PUBLIC),
    "api/workflow/appeals": (fixed("/api/workflow/appeals"), STAFF),
    "api/workflow/appeals/<str:number>/transitions": (lambda c: [f"/api/workflow/appeals/{c.appeal}/transitions"],
                                                      STAFF),
    "api/workflow/appeals/<str:number>/history": (lambda c: [f"/api/workflow/appeals/{c.appeal}/history"], STAFF),
    "api/workflow/appeals/<str:number>/duplicates": (lambda c: [f"/api/workflow/appeals/{c.appeal}/duplicates"],
                                                     STAFF),
    r"tiles/^raster/density/(?P<category>[A-Za-z0-9_-]+)/(?P<z>-?\d{1,10})/(?P<x>-?\d{1,10})/(?P<y>-?\d{1,10})\.png$":
        (fixed(f"/tiles/raster/density/all/{Z}/{X}/{Y}.png", f"/tiles/raster/density/heating/{Z}/{X}/{Y}.png"),
         PUBLIC),
    r"tiles/^raster/imagery/(?P<name>[A-Za-z0-9_-]+)/(?P<z>-?\d{1,10})/(?P<x>-?\d{1,10})/(?P<y>-?\d{1,10})\.png$":
        (fixed(f"/tiles/raster/imagery/orthophoto/{Z}/{X}/{Y}.png"), PUBLIC),
    r"tiles/^(?P<source>[A-Za-z0-9_-]+)\.json$": (lambda c: [f"/tiles/{s}.json" for s in SOURCES], PUBLIC),
    r"tiles/^(?P<source>[A-Za-z0-9_-]+)/(?P<z>-?\d{1,10})/(?P<x>-?\d{1,10})/(?P<y>-?\d{1,10})\.mvt$":
        (lambda c: [f"/tiles/{s}/{Z}/{X}/{Y}.mvt" for s in SOURCES], PUBLIC),
    "ogc/": (fixed("/ogc/?f=json", "/ogc/?f=html"), PUBLIC),
    "ogc/conformance": (fixed("/ogc/conformance?f=json", "/ogc/conformance?f=html"), PUBLIC),
    "ogc/openapi": (fixed("/ogc/openapi?f=json", "/ogc/openapi?f=html"), PUBLIC),
    "ogc/collections": (fixed("/ogc/collections?f=json", "/ogc/collections?f=html"), PUBLIC),
    "ogc/collections/<str:collection_id>": (ogc(), PUBLIC),
    "ogc/collections/<str:collection_id>/queryables": (ogc("/queryables"), PUBLIC),
    "ogc/collections/<str:collection_id>/items": (ogc("/items"), PUBLIC),
    "ogc/collections/<str:collection_id>/items/<str:feature_id>": (ogc("/items/{fid}"), PUBLIC),
    "ogc/collections/<str:collection_id>/tiles": (ogc("/tiles", ("json",)), PUBLIC),
    "ogc/collections/<str:collection_id>/tiles/<str:tms>": (ogc("/tiles/WebMercatorQuad", ("json",)), PUBLIC),
    "ogc/collections/<str:collection_id>/tiles/<str:tms>/<int:z>/<int:row>/<int:col>":
        (lambda c: [f"/ogc/collections/{layer.id}/tiles/WebMercatorQuad/{Z}/{Y}/{X}" for layer in registry], PUBLIC),
    "ogc/tileMatrixSets": (fixed("/ogc/tileMatrixSets"), PUBLIC),
    "ogc/tileMatrixSets/<str:tms>": (fixed("/ogc/tileMatrixSets/WebMercatorQuad"), PUBLIC),
    "ogc/processes": (fixed("/ogc/processes?f=json", "/ogc/processes?f=html"), PUBLIC),
    "ogc/processes/<str:process_id>": (lambda c: [f"/ogc/processes/{p}" for p in PROCESSES], PUBLIC),
    "ogc/processes/<str:process_id>/execution": (lambda c: [f"/ogc/processes/{p}/execution" for p in PROCESSES],
                                                 PUBLIC),
    "open311/v2/openapi.json": (fixed("/open311/v2/openapi.json"), PUBLIC),
    "open311/v2/services.<str:fmt>": (fixed("/open311/v2/services.json", "/open311/v2/services.xml"), PUBLIC),
    "open311/v2/services/<str:code>.<str:fmt>": (fixed("/open311/v2/services/heating.json",
                                                       "/open311/v2/services/heating.xml"), PUBLIC),
    "open311/v2/requests.<str:fmt>": (fixed("/open311/v2/requests.json", "/open311/v2/requests.xml",
                                            "/open311/v2/requests.json?start_date=2000-01-01T00:00:00Z"), PUBLIC),
    "open311/v2/requests/<str:number>.<str:fmt>": (lambda c: [f"/open311/v2/requests/{c.appeal}.json",
                                                              f"/open311/v2/requests/{c.appeal}.xml"], PUBLIC),
    "": (fixed("/"), PUBLIC),
    "map/style.json": (fixed("/map/style.json"), PUBLIC),
    "paving/": (fixed("/paving/"), PUBLIC),
    "paving.json": (fixed("/paving.json"), PUBLIC),
    "appeal/": (lambda c: [f"/appeal/?number={c.appeal}"], PUBLIC),
    "appeal/<path:number>/": (lambda c: [f"/appeal/{c.appeal}/"], PUBLIC),
    "dig-orders/<int:order_id>.json": (lambda c: [f"/dig-orders/{c.dig_order}.json"], PUBLIC),
    "yards/<int:yard_id>.geojson": (lambda c: [f"/yards/{c.yard}.geojson"], PUBLIC),
    "operator/": (fixed("/operator/"), STAFF),
    "operator/appeals": (fixed("/operator/appeals"), STAFF),
    "operator/appeals/<str:number>/<str:action>": (lambda c: [f"/operator/appeals/{c.appeal}/accept",
                                                              f"/operator/appeals/{c.appeal}/resolve"], STAFF),
    "planner/": (fixed("/planner/"), STAFF),
    "planner/reports/district/<int:district_id>.html": (lambda c: [f"/planner/reports/district/{c.district}.html"],
                                                        STAFF),
    "planner/segments/<int:segment_id>/accidents": (lambda c: [f"/planner/segments/{c.segment}/accidents"], STAFF),
    "dashboard/": (fixed("/dashboard/"), STAFF),
    "dashboard.json": (fixed("/dashboard.json"), STAFF),
    "login/": (fixed("/login/"), PUBLIC),
    "logout/": (fixed("/logout/"), PUBLIC),
    "i18n/setlang/": (fixed("/i18n/setlang/"), PUBLIC),
    # the admin site and every ModelAdmin's routes (filled per model)
    "admin/": (fixed("/admin/"), STAFF),
    "admin/login/": (fixed("/admin/login/"), PUBLIC),
    "admin/logout/": (fixed("/admin/logout/"), PUBLIC),
    "admin/password_change/": (fixed("/admin/password_change/"), STAFF),
    "admin/password_change/done/": (fixed("/admin/password_change/done/"), STAFF),
    "admin/autocomplete/": (fixed("/admin/autocomplete/?app_label=layers&model_name=appeal&field_name=executor"),
                            STAFF),
    "admin/jsi18n/": (fixed("/admin/jsi18n/"), STAFF),
    "admin/r/<path:content_type_id>/<path:object_id>/": (lambda c: [f"/admin/r/1/{c.admin_pk}/"], STAFF),
    "admin/^(?P<app_label><apps>)/$": (lambda c: [f"/admin/{app}/" for app in admin_apps()], STAFF),
    "admin/(?P<url>.*)$": (fixed("/admin/no-such-page/"), STAFF),
    "admin/<model>/": (lambda c: [c.admin_prefix], STAFF),
    "admin/<model>/add/": (lambda c: [f"{c.admin_prefix}add/"], STAFF),
    "admin/<model>/<path:object_id>/history/": (lambda c: [f"{c.admin_prefix}{c.admin_pk}/history/"], STAFF),
    "admin/<model>/<path:object_id>/delete/": (lambda c: [f"{c.admin_prefix}{c.admin_pk}/delete/"], STAFF),
    "admin/<model>/<path:object_id>/change/": (lambda c: [f"{c.admin_prefix}{c.admin_pk}/change/"], STAFF),
    "admin/<model>/<path:object_id>/": (lambda c: [f"{c.admin_prefix}{c.admin_pk}/"], STAFF),
    "admin/<model>/<id>/password/": (lambda c: [f"{c.admin_prefix}{c.admin_pk}/password/"], STAFF),  # users
}

# Public routes that take a write method from anyone, and why nothing is stored.
ANONYMOUS_WRITES = {
    "login/": "a failed sign-in re-shows the form",
    "admin/login/": "a failed sign-in re-shows the form",
    "logout/": "signing out with no session changes nothing",
    "admin/logout/": "signing out with no session changes nothing",
    "i18n/setlang/": "sets the language cookie only",
    "ogc/processes/<str:process_id>/execution": "analyses read the city and answer; they write nothing",
}

WRITE_BODY = '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [69.15, 54.87]}, ' \
             '"properties": {"category": "heating", "description": "x"}, "action": "accept", "inputs": {}}'


@pytest.fixture
def city(db, settings, tmp_path):
    # tiles rendered from the test database must not land in the shared on-disk caches
    settings.QALA_TILES = {**settings.QALA_TILES, "cache_dir": tmp_path / "tiles", "raster_dir": tmp_path / "rasters"}
    if hasattr(settings, "QALA_RATE_LIMITS"):  # this walk is many requests from one address
        settings.QALA_RATE_LIMITS = {**settings.QALA_RATE_LIMITS, "tiles": 0, "api": 0, "pages": 0, "login": 0}
    return build_city()


def test_every_pattern_is_filled():
    """A route the walker cannot fill fails here: add it to FILL with real values and its audience."""
    routes = {key(route) for route, _ in walk()}
    assert routes - FILL.keys() == set(), "new URL patterns the walker does not know; add them to FILL"
    assert FILL.keys() - routes == set(), "FILL names routes that no longer exist"
    assert len(walk()) > 150  # the admin's model routes are in the walk


def concrete_urls(city) -> list[tuple[str, str, str]]:
    """(route key, url, audience) for every pattern, admin routes once per registered model."""
    ctx = Ctx(appeal=city["appeal"].number, dig_order=_first("layers.DigOrder"), yard=city["big"].pk,
              district=city["district"].pk, segment=_first("layers.NetworkSegment"))
    out = []
    models = admin_models()
    for route, _ in walk():
        k = key(route)
        fill, audience = FILL[k]
        if k.startswith("admin/<model>/"):  # a ModelAdmin route: fill with that model's first row
            prefix = next(p for p in models if route.startswith(p))
            pk = models[prefix].objects.order_by("pk").values_list("pk", flat=True).first()
            ctx.admin_prefix, ctx.admin_pk = "/" + prefix, str(pk or 1)
        out += [(k, url, audience) for url in fill(ctx)]
    return out


def _first(label: str) -> int:
    from django.apps import apps

    return apps.get_model(label).objects.order_by("pk").values_list("pk", flat=True).first()


def refused(response) -> bool:
    """What an anonymous client must get from a staff page: the sign-in page, 401 or 403 (or
    405 from a write-only route, which serves nothing to a GET)."""
    if response.status_code in (401, 403, 405):
        return True
    return response.status_code == 302 and response["Location"].split("?")[0].endswith(LOGIN_PATHS)


def test_anonymous_walk_reaches_no_personal_data_staff_page_or_write(city):
    client = Client()
    before = counts()
    urls = concrete_urls(city)
    seen, public_ok, problems, written = set(), 0, [], set()
    for k, url, audience in urls:
        seen.add(k)
        response = client.get(url)
        content = body(response)
        if response.status_code >= 500:
            problems.append(f"GET {url}: {response.status_code}")
        if leaked(content):
            problems.append(f"GET {url}: leaks {leaked(content)}")
        if audience == STAFF and not refused(response):
            problems.append(f"GET {url}: staff page answered {response.status_code} to an anonymous client")
        public_ok += audience == PUBLIC and response.status_code == 200
        path = url.split("?")[0]
        if path in written:  # the same resource in another format: its methods are the same
            continue
        written.add(path)
        for method in WRITES:
            response = client.generic(method, url, WRITE_BODY, content_type="application/json")
            content = body(response)
            if response.status_code >= 500 or leaked(content):
                problems.append(f"{method} {url}: {response.status_code} {leaked(content)}")
            elif k in ANONYMOUS_WRITES:
                continue
            elif not (response.status_code in (401, 403, 405) or refused(response)):
                problems.append(f"{method} {url}: answered {response.status_code}, not 401/403/405")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:60])
    assert counts() == before, "an anonymous request changed the database"
    assert seen == set(FILL)
    # the walk reached real content, so the absence of secrets means something
    assert len(urls) > 250 and public_ok > 150
    text = body(Client().get("/ogc/collections/appeals/items?f=json")).decode()
    assert city["appeal"].number in text
