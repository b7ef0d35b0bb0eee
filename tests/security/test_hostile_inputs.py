"""Malformed and hostile input on every door: a clear 4xx, nothing stored, nothing run, never a 5xx.

Each case names who sends it (anonymous, an operator, an editor, a supervisor, an Open311
client with a key), the request, and the statuses it may get. Every case checks the row
counts of every layer, the history, users and tokens before and after, that no answer is a
5xx, and that an API's refusal is a problem document (or Open311's error list) that says
what was wrong. The importer's archive guards (zip bombs, zip-slip) are at the end.
"""
from __future__ import annotations

import gzip
import io
import json
import zipfile
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import Client

from gis.models import ApiToken
from tests.security.city import QUARTER_TILE, SECRET_NAME, body, build_city, counts
from tests.web.conftest import make_user

Z, X, Y = QUARTER_TILE
ITEMS = "/ogc/collections/appeals/items"
DIGS = "/ogc/collections/dig_orders/items"
O311 = "/open311/v2/requests.json"
WF = "/api/workflow/appeals"
XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1">'
BIG = 6 << 20  # over the 5 MB body limit
FOUR_XX = range(400, 500)


@dataclass
class Case:
    id: str
    url: str
    method: str = "GET"
    body: bytes | str | None = None
    content_type: str = "application/json"
    who: str = "anonymous"  # anonymous, operator, editor, supervisor
    status: range | tuple = FOUR_XX
    api: bool = True  # the refusal must be a problem document / an Open311 error list
    stored: bool = False  # a valid request that may store its row (the XSS payloads)
    extra: dict = field(default_factory=dict)


def o311(**fields) -> str:
    """An Open311 create body with the test's key, a valid service and point, and the overrides."""
    data = {"api_key": "{key}", "service_code": "heating", "lat": 54.8707, "long": 69.1503,
            "description": "Нет отопления"}
    data.update(fields)
    return json.dumps({k: v for k, v in data.items() if v is not None}, allow_nan=True)


def wf(**fields) -> str:
    data = {"category": "heating", "lon": 69.1503, "lat": 54.8707, "description": "Нет отопления"}
    data.update(fields)
    return json.dumps({k: v for k, v in data.items() if v is not None}, allow_nan=True)


def op_form(**fields) -> str:
    data = {"category": "heating", "lon": "69.1503", "lat": "54.8707", "description": "Нет отопления"}
    data.update(fields)
    return json.dumps(data)


NESTED = "[" * 100_000 + "]" * 100_000
NESTED_OBJ = '{"a":' * 50_000 + "1" + "}" * 50_000
CQL_PARENS = "(" * 5_000 + "number = 'x'" + ")" * 5_000
CQL_NOTS = "NOT " * 20_000 + "number = 'x'"
CQL_ORS = " OR ".join(f"number = '{i}'" for i in range(20_000))
CQL_IN = "number IN (" + ",".join(f"'{i}'" for i in range(50_000)) + ")"
HUGE_POLY = "S_INTERSECTS(geom, POLYGON((" + ",".join(f"69.{i:05d} 54.87" for i in range(30_000)) + ",69.00000 54.87)))"

CASES = [
    # OGC API Features: paging, bbox, sortby, filter, datetime, crs, formats
    Case("limit-negative", f"{ITEMS}?limit=-1"),
    Case("limit-zero", f"{ITEMS}?limit=0"),
    Case("limit-huge", f"{ITEMS}?limit=1000000000000"),
    Case("limit-text", f"{ITEMS}?limit=all"),
    Case("limit-nan", f"{ITEMS}?limit=NaN"),
    Case("offset-negative", f"{ITEMS}?offset=-5"),
    Case("offset-huge", f"{ITEMS}?offset=100000000000000000000"),
    Case("offset-float-inf", f"{ITEMS}?offset=1e309"),
    Case("after-text", f"{ITEMS}?after=1;DROP TABLE layers_appeal"),
    Case("bbox-three", f"{ITEMS}?bbox=1,2,3"),
    Case("bbox-words", f"{ITEMS}?bbox=a,b,c,d"),
    Case("bbox-nan", f"{ITEMS}?bbox=NaN,NaN,NaN,NaN"),
    Case("bbox-infinity", f"{ITEMS}?bbox=-Infinity,54,Infinity,55"),
    Case("bbox-sql", f"{ITEMS}?bbox=69,54,70,55);DROP TABLE layers_appeal;--"),
    Case("bbox-huge-list", f"{ITEMS}?bbox=" + ",".join(["1"] * 5000)),
    Case("bbox-crs-bogus", f"{ITEMS}?bbox=69,54,70,55&bbox-crs=EPSG:0"),
    Case("crs-traversal", f"{ITEMS}?crs=../../etc/passwd"),
    Case("crs-unknown", f"{ITEMS}?crs=http://www.opengis.net/def/crs/EPSG/0/99999"),
    Case("sortby-personal", f"{ITEMS}?sortby=caller_name"),
    Case("sortby-personal-desc", f"{ITEMS}?sortby=-description"),
    Case("sortby-sql", f"{ITEMS}?sortby=number;DROP TABLE layers_appeal"),
    Case("sortby-subquery", f"{ITEMS}?sortby=(SELECT caller_name FROM layers_appeal LIMIT 1)"),
    Case("sortby-many", f"{ITEMS}?sortby=" + ",".join(["number"] * 2000), status=(200, 400)),
    Case("property-personal", f"{ITEMS}?caller_name={SECRET_NAME}"),
    Case("property-unknown", f"{ITEMS}?1=1"),
    Case("property-sql-quote", f"{ITEMS}?number=' OR '1'='1", status=(200,)),
    Case("property-null-byte", f"{ITEMS}?number=109%00"),
    Case("property-int-sql", f"/ogc/collections/buildings/items?floors=1 OR 1=1"),
    Case("property-int-overflow", "/ogc/collections/buildings/items?floors=99999999999999999999", status=(200, 400)),
    Case("filter-personal", f"{ITEMS}?filter=caller_name='x'"),
    Case("filter-sql-drop", f"{ITEMS}?filter=1=1; DROP TABLE layers_appeal"),
    Case("filter-sql-comment", f"{ITEMS}?filter=number = 'x' OR 1=1 --"),
    Case("filter-sql-union", f"{ITEMS}?filter=number = 'x' UNION SELECT caller_name FROM layers_appeal"),
    Case("filter-function", f"{ITEMS}?filter=pg_sleep(10) = 1"),
    Case("filter-null-byte", f"{ITEMS}?filter=number = 'a%00b'"),
    Case("filter-lang-sql", f"{ITEMS}?filter=number='x'&filter-lang=sql"),
    Case("filter-crs-bogus", f"{ITEMS}?filter=S_INTERSECTS(geom, POINT(1 2))&filter-crs=EPSG:nope"),
    Case("cql-bomb-parens", f"{ITEMS}?filter={CQL_PARENS}", status=(200, 400)),
    Case("cql-bomb-nots", f"{ITEMS}?filter={CQL_NOTS}"),
    Case("cql-bomb-ors", f"{ITEMS}?filter={CQL_ORS}"),
    Case("cql-bomb-in-list", f"{ITEMS}?filter={CQL_IN}", status=(400,)),
    Case("cql-bomb-polygon", f"{ITEMS}?filter={HUGE_POLY}", status=(400,)),
    Case("datetime-garbage", f"{ITEMS}?datetime=2026-13-45"),
    Case("datetime-sql", f"{ITEMS}?datetime=2026-01-01'; DROP TABLE layers_appeal; --"),
    Case("datetime-open-both", f"{ITEMS}?datetime=../.."),
    Case("format-unknown", f"{ITEMS}?f=xml"),
    Case("format-script", f"{ITEMS}?f=<script>alert(1)</script>"),
    Case("feature-id-sql", f"{ITEMS}/1 OR 1=1"),
    Case("feature-id-traversal", f"{ITEMS}/..%2F..%2Fetc%2Fpasswd"),
    Case("feature-id-overflow", f"{ITEMS}/99999999999999999999999"),
    Case("feature-id-null-byte", f"{ITEMS}/1%00"),
    Case("collection-traversal", "/ogc/collections/..%2F..%2Fetc%2Fpasswd/items"),
    Case("collection-sql", "/ogc/collections/appeals;DROP TABLE layers_appeal/items"),
    Case("collection-django-table", "/ogc/collections/auth_user/items"),
    Case("process-unknown", "/ogc/processes/..%2F..%2Fetc%2Fpasswd/execution", "POST", "{}"),
    Case("process-body-not-json", "/ogc/processes/features-within-radius/execution", "POST", "inputs=1",
         "application/x-www-form-urlencoded"),
    Case("process-nested-json", "/ogc/processes/features-within-radius/execution", "POST", NESTED),
    Case("process-nan-radius", "/ogc/processes/features-within-radius/execution", "POST",
         '{"inputs": {"collection": "appeals", "point": {"type": "Point", "coordinates": [69.15, 54.87]}, '
         '"radius": NaN}}'),
    Case("process-infinite-point", "/ogc/processes/features-within-radius/execution", "POST",
         '{"inputs": {"collection": "appeals", "point": {"type": "Point", "coordinates": [Infinity, 54.87]}, '
         '"radius": 10}}'),
    Case("process-huge-body", "/ogc/processes/features-within-radius/execution", "POST", b" " * BIG, status=(413,)),
    # OGC Part 4 editing by an editor: bodies the model must refuse
    Case("edit-wrong-type-xml", DIGS, "POST", "<Feature/>", "application/xml", who="editor"),
    Case("edit-form-body", DIGS, "POST", "number=1", "application/x-www-form-urlencoded", who="editor"),
    Case("edit-invalid-utf8", DIGS, "POST", b'{"type": "Feature", "properties": {"number": "\xff\xfe"}}',
         who="editor"),
    Case("edit-nested-json", DIGS, "POST", NESTED_OBJ, who="editor"),
    Case("edit-nan-coordinates", DIGS, "POST", '{"type": "Feature", "geometry": {"type": "MultiPolygon", '
         '"coordinates": [[[[NaN, NaN], [69.1, 54.8], [69.2, 54.8], [NaN, NaN]]]]}, "properties": {}}',
         who="editor"),
    Case("edit-huge-body", DIGS, "POST", b"{" + b" " * BIG + b"}", who="editor", status=(413,)),
    Case("edit-appeal-personal", ITEMS, "POST", json.dumps({"type": "Feature", "geometry": {
        "type": "Point", "coordinates": [69.15, 54.87]}, "properties": {"caller_name": "x", "description": XSS}}),
         who="editor"),
    # tiles: zoom, column and row out of range, names that climb out
    Case("tile-negative-z", "/tiles/appeals/-1/0/0.mvt"),
    Case("tile-negative-x", f"/tiles/appeals/{Z}/-1/{Y}.mvt"),
    Case("tile-negative-y", f"/tiles/appeals/{Z}/{X}/-1.mvt"),
    Case("tile-z-too-deep", "/tiles/appeals/99/0/0.mvt"),
    Case("tile-x-out-of-range", "/tiles/appeals/2/4/0.mvt"),
    Case("tile-y-huge", "/tiles/appeals/3/0/9999999999.mvt"),
    Case("tile-source-unknown", "/tiles/auth_user/0/0/0.mvt"),
    Case("tile-source-traversal", "/tiles/..%2F..%2Fetc%2Fpasswd/0/0/0.mvt", api=False),
    Case("tile-source-dotdot", "/tiles/../../etc/passwd/0/0/0.mvt", api=False),
    Case("tilejson-unknown", "/tiles/nope.json"),
    Case("imagery-traversal", "/tiles/raster/imagery/..%2F..%2Fsecret_key/0/0/0.png", api=False),
    Case("imagery-unknown", "/tiles/raster/imagery/secret_key/0/0/0.png"),
    Case("density-unknown-category", "/tiles/raster/density/nope/10/700/300.png", status=(404,)),
    Case("density-negative-z", "/tiles/raster/density/all/-3/0/0.png"),
    Case("ogc-tile-out-of-range", f"/ogc/collections/appeals/tiles/WebMercatorQuad/{Z}/{2 ** Z}/{X}"),
    Case("ogc-tile-zoom-too-deep", "/ogc/collections/appeals/tiles/WebMercatorQuad/40/0/0"),
    Case("ogc-tms-traversal", "/ogc/collections/appeals/tiles/..%2F..%2Fetc/1/0/0"),
    # Open311: filing with a key, and searching
    Case("o311-no-key", O311, "POST", '{"service_code": "heating", "lat": 54.87, "long": 69.15}', status=(403,)),
    Case("o311-bad-key", O311, "POST", o311(api_key="' OR 1=1 --"), status=(403,)),
    Case("o311-not-json", O311, "POST", "{not json", ),
    Case("o311-json-array", O311, "POST", "[1, 2, 3]"),
    Case("o311-nested-json", O311, "POST", NESTED),
    Case("o311-xml-body", O311, "POST", "<service_request><api_key>{key}</api_key></service_request>",
         "application/xml"),
    Case("o311-text-body", O311, "POST", o311(), "text/plain"),
    Case("o311-invalid-utf8", O311, "POST", b'{"api_key": "{key}", "description": "\xc3\x28"}'),
    Case("o311-lat-nan", O311, "POST", o311(lat=float("nan"))),
    Case("o311-long-infinity", O311, "POST", o311(long=float("inf"))),
    Case("o311-lat-huge", O311, "POST", o311(lat="1e309")),
    Case("o311-lat-text", O311, "POST", o311(lat="54.87; DROP TABLE layers_appeal")),
    Case("o311-outside-city", O311, "POST", o311(lat=0, long=0)),
    Case("o311-service-sql", O311, "POST", o311(service_code="heating' OR '1'='1")),
    Case("o311-description-overlong", O311, "POST", o311(description="д" * 4001)),
    Case("o311-name-overlong", O311, "POST", o311(first_name="Я" * 101)),
    Case("o311-null-byte", O311, "POST", o311(description="нет\x00тепла")),
    Case("o311-huge-body", O311, "POST", b" " * BIG, status=(413,)),
    Case("o311-form-too-many-fields", O311, "POST", "&".join(f"f{i}=1" for i in range(1500)),
         "application/x-www-form-urlencoded"),
    Case("o311-page-size-zero", f"{O311}?page_size=0"),
    Case("o311-page-size-huge", f"{O311}?page_size=1000000000"),
    Case("o311-page-negative", f"{O311}?page=-1"),
    Case("o311-start-date-garbage", f"{O311}?start_date=yesterday"),
    Case("o311-status-sql", f"{O311}?status=open' OR 1=1 --"),
    Case("o311-request-traversal", "/open311/v2/requests/..%2F..%2Fetc%2Fpasswd.json", status=(404,)),
    Case("o311-request-null-byte", "/open311/v2/requests/109%00.json", status=(400,)),
    Case("o311-format-php", "/open311/v2/requests.php", status=(404,)),
    Case("o311-xss-description", O311, "POST", o311(description=XSS, address_string=XSS), status=(201,),
         stored=True),
    # the workflow API, signed in as an operator
    Case("wf-lon-nan", WF, "POST", wf(lon=float("nan")), who="operator"),
    Case("wf-lat-infinity", WF, "POST", wf(lat=float("-inf")), who="operator"),
    Case("wf-lat-huge", WF, "POST", wf(lat="1e309"), who="operator"),
    Case("wf-no-point", WF, "POST", wf(lon=None, lat=None), who="operator"),
    Case("wf-category-sql", WF, "POST", wf(category="heating'; DROP TABLE layers_appeal; --"), who="operator"),
    Case("wf-description-overlong", WF, "POST", wf(description="д" * 100_000), who="operator"),
    Case("wf-name-overlong", WF, "POST", wf(caller_name="Я" * 201), who="operator"),
    Case("wf-null-byte", WF, "POST", wf(description="нет\x00тепла"), who="operator"),
    Case("wf-xml-body", WF, "POST", "<appeal/>", "application/xml", who="operator"),
    Case("wf-form-body", WF, "POST", "category=heating&lon=69.15&lat=54.87", "application/x-www-form-urlencoded",
         who="operator"),
    Case("wf-nested-json", WF, "POST", NESTED, who="operator"),
    Case("wf-huge-body", WF, "POST", b" " * BIG, who="operator", status=(413,)),
    Case("wf-transition-unknown-action", f"{WF}/{{number}}/transitions", "POST", '{"action": "drop table"}',
         who="operator"),
    Case("wf-transition-bad-date", f"{WF}/{{number}}/transitions", "POST",
         '{"action": "defer", "due_on": "2026-02-31"}', who="operator"),
    Case("wf-history-traversal", f"{WF}/..%2F..%2Fetc%2Fpasswd/history", who="operator", status=(404,)),
    Case("wf-xss-description", WF, "POST", wf(description=XSS, address=XSS), who="operator", status=(201,),
         stored=True),
    # the operator console's form endpoint
    Case("op-null-byte", "/operator/appeals", "POST", op_form(description="a\x00b"), who="operator"),
    Case("op-name-overlong", "/operator/appeals", "POST", op_form(caller_name="Я" * 201), who="operator"),
    Case("op-lon-nan", "/operator/appeals", "POST", op_form(lon="NaN"), who="operator"),
    Case("op-lat-infinity", "/operator/appeals", "POST", op_form(lat="Infinity"), who="operator"),
    Case("op-text-body", "/operator/appeals", "POST", "hello", "text/plain", who="operator"),
    Case("op-invalid-utf8", "/operator/appeals", "POST", b'{"description": "\xff"}', who="operator"),
    Case("op-nested-json", "/operator/appeals", "POST", NESTED, who="operator"),
    Case("op-action-unknown", "/operator/appeals/{number}/delete", "POST", "{}", who="operator"),
    Case("op-action-null-byte", "/operator/appeals/109%00/accept", "POST", "{}", who="operator"),
    # search and "what is here"
    Case("search-null-byte", "/api/search?q=%D0%96%D0%B0%D0%BC%00"),
    Case("search-limit-huge", "/api/search?q=a&limit=100000000"),
    Case("search-limit-negative", "/api/search?q=a&limit=-1"),
    Case("search-sql", "/api/search?q=' OR 1=1 --", status=(200,)),
    Case("search-overlong", "/api/search?q=" + "ж" * 5000, status=(200, 400)),
    Case("here-nan", "/api/here?lon=NaN&lat=54.87"),
    Case("here-infinity", "/api/here?lon=69.15&lat=Infinity"),
    Case("here-outside", "/api/here?lon=0&lat=0"),
    Case("here-radius-negative", "/api/here?lon=69.15&lat=54.87&radius=-1"),
    Case("here-radius-huge", "/api/here?lon=69.15&lat=54.87&radius=1e309"),
    Case("here-days-zero", "/api/here?lon=69.15&lat=54.87&days=0"),
    # web pages
    Case("appeal-page-traversal", "/appeal/../../etc/passwd/", status=(404,), api=False),
    Case("appeal-page-null-byte", "/appeal/109%00/", status=(400,)),
    Case("appeal-page-overlong", "/appeal/" + "1" * 5000 + "/", status=(404,), api=False),
    Case("appeal-page-script", "/appeal/<script>window.__xss=1<%2Fscript>/", status=(404,), api=False),
    Case("dig-order-overflow", "/dig-orders/99999999999999999999999.json", status=(404,)),
    Case("yard-overflow", "/yards/99999999999999999999999.geojson", status=(404,)),
    Case("dashboard-days-text", "/dashboard.json?days=all", who="supervisor"),
    Case("dashboard-days-huge", "/dashboard.json?days=100000", who="supervisor"),
    Case("dashboard-page-days", "/dashboard/?days=-1", who="supervisor", api=False),
    Case("district-report-days-nan", "/planner/reports/district/{district}.html?days=NaN", who="supervisor"),
    Case("district-report-overflow", "/planner/reports/district/99999999999999999999.html", who="supervisor"),
    Case("segment-overflow", "/planner/segments/99999999999999999999/accidents", who="supervisor"),
    Case("login-huge-body", "/login/", "POST", b"username=" + b"a" * BIG, "application/x-www-form-urlencoded",
         status=(413, 400), api=False),
]


@pytest.fixture(scope="module")
def hostile(django_db_setup, django_db_blocker):
    """The city, a key and signed-in clients, built once for the module (each case's own
    changes are rolled back by the `db` fixture around it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        city = build_city()
        _, key = ApiToken.issue("hostile-input test", channel="app")
        clients = {"anonymous": Client()}
        for role in ("operator", "editor", "supervisor"):
            clients[role] = Client()
            clients[role].force_login(make_user(f"h-{role}", role))
        yield {"city": city, "key": key, "clients": clients}
        transaction.set_rollback(True)


@pytest.fixture
def quiet(db, settings, tmp_path):
    """Tiles rendered here stay in tmp_path; one address sending many requests is not rate limited."""
    settings.QALA_TILES = {**settings.QALA_TILES, "cache_dir": tmp_path / "tiles", "raster_dir": tmp_path / "rasters"}
    if hasattr(settings, "QALA_RATE_LIMITS"):
        settings.QALA_RATE_LIMITS = {**settings.QALA_RATE_LIMITS, "tiles": 0, "api": 0, "pages": 0, "login": 0}


def fill(text, hostile):
    values = {"key": hostile["key"], "number": hostile["city"]["appeal"].number,
              "district": str(hostile["city"]["district"].pk)}
    for name, value in values.items():
        marker = "{" + name + "}"
        text = text.replace(marker, value) if isinstance(text, str) else text.replace(marker.encode(), value.encode())
    return text


def explains(case: Case, response, content: bytes) -> bool:
    """A refusal says what was wrong: a problem document, Open311's error list, or an HTML page."""
    if not case.api:
        return True
    try:
        doc = json.loads(content)
    except ValueError:
        return False
    if isinstance(doc, list):  # Open311: [{"code": …, "description": …}]
        return bool(doc) and bool(doc[0].get("description"))
    return bool(doc.get("detail") or doc.get("description"))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input_is_refused_cleanly(hostile, quiet, case):
    client = hostile["clients"][case.who]
    before = counts()
    url = fill(case.url, hostile)
    data = fill(case.body, hostile) if case.body is not None else None
    if case.method == "GET":
        response = client.get(url)
    else:
        response = client.generic(case.method, url, data or b"", content_type=case.content_type)
    content = body(response)
    assert response.status_code < 500, content[:500]
    assert response.status_code in case.status, (response.status_code, content[:300])
    after = counts()
    if case.stored:
        assert after["appeals"] == before["appeals"] + 1 and after["history"] > before["history"]
        assert b"<script>" not in content and b"onerror=" not in content
    else:
        assert after == before, "a refused request changed the database"
    if response.status_code >= 400:
        assert explains(case, response, content), content[:300]


def test_cases_are_many_and_distinct():
    assert len(CASES) >= 100
    assert len({c.id for c in CASES}) == len(CASES)


# The importer (the upload path and `qala import` share importers.sources.gdal_path): archives are
# checked before GDAL reads a byte.
GEOJSON = json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
    "source_id": "w1", "kind": "water"}, "geometry": {"type": "Point", "coordinates": [69.15, 54.87]}}]}).encode()


def zip_of(members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buf.getvalue()


def symlink(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = 0o120777 << 16
    return info


ARCHIVES = {
    "zip-bomb": ("wells.zip", lambda: zip_of([("wells.geojson", GEOJSON + b" " * (24 << 20))]),
                 "ArchiveTooLarge", "looks like a zip bomb"),
    "zip-over-limit": ("wells.zip", lambda: zip_of([("wells.geojson", GEOJSON + bytes(range(256)) * 8192)]),
                       "ArchiveTooLarge", "at most 1 MB"),
    "zip-slip-parent": ("wells.zip", lambda: zip_of([("../../etc/passwd.geojson", GEOJSON)]),
                        "ArchiveRefused", "points outside the archive"),
    "zip-slip-absolute": ("wells.zip", lambda: zip_of([("/etc/wells.geojson", GEOJSON)]),
                          "ArchiveRefused", "points outside the archive"),
    "zip-slip-windows": ("wells.zip", lambda: zip_of([("..\\..\\wells.geojson", GEOJSON)]),
                         "ArchiveRefused", "points outside the archive"),
    "zip-symlink": ("wells.zip", lambda: zip_of([(symlink("wells.geojson"), b"/etc/passwd")]),
                    "ArchiveRefused", "symbolic link"),
    "gzip-bomb": ("wells.geojson.gz", lambda: gzip.compress(GEOJSON + b" " * (24 << 20), 1),
                  "ArchiveTooLarge", "gzip bomb"),
    "gzip-truncated": ("wells.geojson.gz", lambda: gzip.compress(GEOJSON)[:30], "UnreadableFile",
                       "not a valid gzip file"),
}


@pytest.mark.parametrize("name", ARCHIVES)
def test_hostile_archives_are_refused_before_gdal(db, tmp_path, monkeypatch, name):
    from gis import config
    from importers import errors
    from importers.pipeline import ImportOptions, import_upload

    monkeypatch.setattr(config, "IMPORT_MAX_UNPACKED_MB", 1 if name == "zip-over-limit" else 4096)
    filename, make, error, message = ARCHIVES[name]
    before = counts()
    with pytest.raises(getattr(errors, error), match=message) as caught:
        import_upload([make()], filename, ImportOptions(layer="wells"), report_dir=tmp_path)
    assert 400 <= caught.value.status < 500 and caught.value.problem()["detail"]
    assert counts() == before


def test_qala_import_refuses_a_zip_bomb_with_one_line(db, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "wells.zip"
    path.write_bytes(ARCHIVES["zip-bomb"][1]())
    before = counts()
    with pytest.raises(CommandError, match="looks like a zip bomb"):
        call_command("import", str(path), "--layer", "wells", verbosity=0)
    assert counts() == before


def test_upload_name_with_parent_folders_writes_nothing_outside(db, tmp_path):
    from importers.pipeline import ImportOptions, import_upload

    target = tmp_path / "up" / "down"
    target.mkdir(parents=True)
    escape = tmp_path / "escaped.geojson"
    report = import_upload([GEOJSON], "../../escaped.geojson", ImportOptions(layer="wells"), report_dir=target)
    assert report.source == "escaped.geojson" and report.inserted == 1
    assert not escape.exists() and not (tmp_path / "up" / "escaped.geojson").exists()
    assert [p.parent for p in target.iterdir()] == [target]  # the report only, in its folder
