"""OGC API Features views: thin — parse, call gis.ogc.features, format as JSON or HTML."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from gis import audit, config
from gis.ogc import crs as crs_mod
from gis.ogc import editing, features, params
from gis.ogc.collections import Collection, all_collections, collection, extent
from gis.ogc.errors import InvalidParameter, MethodNotAllowed, NotQueryable
from gis.ogc.formats import GEOJSON, HTML, JSON, OPENAPI, html_response, json_response, ogc_view, wants_html
from gis.ogc.openapi import CONFORMANCE, openapi_document
from web.access import OPERATOR, has_role

# Parameters the items endpoint understands; any other name must be a queryable.
ITEMS_PARAMS = {"f", "lang", "limit", "offset", "after", "bbox", "bbox-crs", "crs", "datetime",
                "filter", "filter-lang", "filter-crs", "sortby"}
CHUNK = 500


def _url(request: HttpRequest, path: str = "", **query) -> str:
    base = request.build_absolute_uri(f"/ogc/{path}".rstrip("/") if path else "/ogc/")
    query = {k: v for k, v in query.items() if v is not None}
    return f"{base}?{urlencode(query)}" if query else base


def _link(href: str, rel: str, type_: str, title: str = "") -> dict:
    link = {"href": href, "rel": rel, "type": type_}
    if title:
        link["title"] = title
    return link


@ogc_view
def landing(request: HttpRequest) -> HttpResponse:
    doc = {
        "title": f"Qala: {config.CITY_NAME}",
        "description": "City layers of the 109 situation center as OGC API Features",
        "links": [
            _link(_url(request, f="json"), "self", JSON, "this document"),
            _link(_url(request, f="html"), "alternate", HTML, "this document as HTML"),
            _link(_url(request, "openapi"), "service-desc", OPENAPI, "the API definition"),
            _link(_url(request, "conformance"), "conformance", JSON, "conformance classes"),
            _link(_url(request, "collections"), "data", JSON, "the city layers"),
            _link(_url(request, "processes"), "http://www.opengis.net/def/rel/ogc/1.0/processes", JSON,
                  "analyses"),
        ],
    }
    if wants_html(request):
        return html_response(request, "landing.html", {"doc": doc})
    return json_response(doc)


@ogc_view
def conformance(request: HttpRequest) -> HttpResponse:
    doc = {"conformsTo": CONFORMANCE}
    if wants_html(request):
        return html_response(request, "conformance.html", {"doc": doc})
    return json_response(doc)


@ogc_view
def openapi(request: HttpRequest) -> HttpResponse:
    doc = openapi_document(request.build_absolute_uri("/ogc"))
    if wants_html(request):
        return html_response(request, "openapi.html", {"doc": json.dumps(doc, indent=1, ensure_ascii=False)})
    return json_response(doc, OPENAPI)


def _collection_doc(request: HttpRequest, coll: Collection) -> dict:
    path = f"collections/{coll.id}"
    return {
        "id": coll.id,
        "title": coll.layer.title(request.GET.get("lang", "en")),
        "description": coll.layer.description or f"{coll.layer.title('en')} of {config.CITY_NAME}",
        "itemType": "feature",
        "extent": extent(coll),
        "crs": crs_mod.uris(),
        "storageCrs": crs_mod.CRS84.uri,
        "links": [
            _link(_url(request, path, f="json"), "self", JSON),
            _link(_url(request, path, f="html"), "alternate", HTML),
            _link(_url(request, f"{path}/items", f="json"), "items", GEOJSON, "features as GeoJSON"),
            _link(_url(request, f"{path}/items", f="html"), "items", HTML, "features as HTML"),
            _link(_url(request, f"{path}/queryables"), "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                  "application/schema+json", "properties to filter on"),
            _link(_url(request, f"{path}/tiles"), "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector", JSON,
                  "vector tiles (MVT, WebMercatorQuad)"),
        ],
    }


@ogc_view
def collections(request: HttpRequest) -> HttpResponse:
    docs = [_collection_doc(request, c) for c in all_collections()]
    doc = {"collections": docs, "crs": crs_mod.uris(),
           "links": [_link(_url(request, "collections", f="json"), "self", JSON),
                     _link(_url(request, "collections", f="html"), "alternate", HTML)]}
    if wants_html(request):
        return html_response(request, "collections.html", {"doc": doc})
    return json_response(doc)


@ogc_view
def collection_view(request: HttpRequest, collection_id: str) -> HttpResponse:
    doc = _collection_doc(request, collection(collection_id))
    if wants_html(request):
        return html_response(request, "collection.html", {"doc": doc})
    return json_response(doc)


@ogc_view
def queryables(request: HttpRequest, collection_id: str) -> HttpResponse:
    coll = collection(collection_id)
    props = {q.name: q.schema for q in coll.queryables.values()}
    props["geometry"] = {"$ref": f"https://geojson.org/schema/{coll.layer.geometry_type}.json"}
    doc = {"$schema": "https://json-schema.org/draft/2019-09/schema",
           "$id": _url(request, f"collections/{coll.id}/queryables"),
           "type": "object", "title": coll.layer.title("en"), "properties": props,
           "additionalProperties": False}
    if wants_html(request):
        return html_response(request, "queryables.html", {"doc": doc, "collection": coll.id})
    return json_response(doc, "application/schema+json")


def sees_personal(request: HttpRequest) -> bool:
    """Signed-in operators (and above) see callers; everyone else the public fields only."""
    return has_role(request.user, OPERATOR)


def _fields(coll: Collection, personal: bool) -> list[str]:
    return [*coll.queryables, *(features.personal_sql(coll) if personal else ())]


def _private(response: HttpResponse, personal: bool) -> HttpResponse:
    """A response with personal data must never be cached for, or shown to, anyone else."""
    if personal:
        response["Cache-Control"] = "private, no-store"
    response["Vary"] = "Accept, Cookie"
    return response


def parse_query(request: HttpRequest, coll: Collection) -> features.Query:
    get = request.GET
    q = features.Query(
        personal=sees_personal(request),
        limit=params.limit(get.get("limit")),
        offset=params.offset(get.get("offset")),
        after=params.after(get.get("after")),
        bbox=params.bbox(get.get("bbox")),
        bbox_crs=crs_mod.parse(get.get("bbox-crs"), "bbox-crs"),
        crs=crs_mod.parse(get.get("crs"), "crs"),
        interval=params.datetime_interval(get.get("datetime")),
    )
    q.sortby = params.sortby(get.get("sortby"), coll.queryables)
    if q.sortby and q.after is not None:
        raise InvalidParameter("after", "keyset paging follows the id order; with sortby page by offset")
    if q.interval and not coll.temporal:
        raise InvalidParameter("datetime", f"collection {coll.id} has no temporal property")
    for name in get:
        if name in ITEMS_PARAMS:
            continue
        queryable = coll.queryables.get(name)
        if queryable is None:
            raise NotQueryable(f"{name[:60]!r} is not a queryable of {coll.id}; "
                               f"queryables: {', '.join(coll.queryables)}", parameter=name[:60])
        raw = get[name]
        try:
            q.equals[name] = None if raw == "null" else queryable.field.to_python(raw)
        except (ValidationError, ValueError):  # ValueError: an array field's malformed JSON list
            raise InvalidParameter(name, f"not a valid {queryable.schema.get('format', queryable.schema['type'])}") from None
    if get.get("filter"):
        from gis.ogc.cql import filter_sql

        q.extra_where.append(filter_sql(coll, get["filter"], get.get("filter-lang"), get.get("filter-crs")))
    return q


def _page_links(request: HttpRequest, coll: Collection, q: features.Query, page: features.Page) -> list[dict]:
    path = f"collections/{coll.id}/items"
    keep = {k: v for k, v in request.GET.items() if k not in ("f", "offset", "after")}
    links = [_link(_url(request, path, **keep, f="json", **_position(q)), "self", GEOJSON),
             _link(_url(request, path, **keep, f="html", **_position(q)), "alternate", HTML),
             _link(_url(request, f"collections/{coll.id}"), "collection", JSON)]
    if page.more and q.sortby:
        links.append(_link(_url(request, path, **keep, f="json", offset=q.offset + q.limit), "next", GEOJSON))
    elif page.more:
        links.append(_link(_url(request, path, **keep, f="json", after=page.last_id), "next", GEOJSON))
    if q.offset and q.after is None:
        prev = max(0, q.offset - q.limit)
        links.append(_link(_url(request, path, **keep, f="json", offset=prev or None), "prev", GEOJSON))
    return links


def _position(q: features.Query) -> dict:
    return {"after": q.after, "offset": q.offset or None}


EDITOR = ("editor", "admin")


def _editor(request: HttpRequest) -> None:
    if not has_role(request.user, EDITOR):
        raise editing.Forbidden("editing needs a signed-in user with the editor role")


@ogc_view(methods=("GET", "HEAD", "POST"))
def items(request: HttpRequest, collection_id: str) -> HttpResponse:
    coll = collection(collection_id)
    if request.method == "POST":
        _editor(request)
        pk = editing.create(coll, request.body)
        return HttpResponse(status=201, headers={"Location": _url(request, f"collections/{coll.id}/items/{pk}")})
    if request.method not in ("GET", "HEAD"):
        raise MethodNotAllowed(f"{request.method} is not allowed on items; use GET or POST")
    q = parse_query(request, coll)
    html = wants_html(request)
    page = features.page(coll, q)
    if q.personal and coll.layer.personal_fields:
        audit.record(request, coll.id, page.ids)
    tail = {"numberReturned": len(page.features),
            "timeStamp": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "links": _page_links(request, coll, q, page)}
    if page.number_matched is not None:
        tail["numberMatched"] = page.number_matched
    else:
        tail["numberMatchedEstimate"] = page.estimate  # the planner's guess, not a count
    if html:
        feats = [json.loads(f) for f in page.features]
        return _private(html_response(request, "items.html", {"collection": coll, "features": feats, "tail": tail,
                                                              "fields": _fields(coll, q.personal)}), q.personal)
    return _private(StreamingHttpResponse(_stream(page.features, tail), content_type=GEOJSON,
                                          headers={"Content-Crs": f"<{q.crs.uri}>"}), q.personal)


def _stream(texts: list[str], tail: dict):
    yield '{"type":"FeatureCollection","features":['
    for i in range(0, len(texts), CHUNK):
        yield ("," if i else "") + ",".join(texts[i:i + CHUNK])
    yield "]," + json.dumps(tail, ensure_ascii=False)[1:]


@ogc_view(methods=("GET", "HEAD", "PUT", "DELETE"))
def item(request: HttpRequest, collection_id: str, feature_id: str) -> HttpResponse:
    coll = collection(collection_id)
    if request.method in ("PUT", "DELETE"):
        _editor(request)
        if request.method == "PUT":
            editing.replace(coll, feature_id, request.body)
        else:
            editing.delete(coll, feature_id)
        return HttpResponse(status=204)
    if request.method not in ("GET", "HEAD"):
        raise MethodNotAllowed(f"{request.method} is not allowed on a feature; use GET, PUT or DELETE")
    for name in request.GET:
        if name not in ("f", "lang", "crs"):
            raise InvalidParameter(name[:60], "not a parameter of a single feature")
    target = crs_mod.parse(request.GET.get("crs"), "crs")
    personal = sees_personal(request)
    text = features.one(coll, feature_id, target, personal)
    if personal and coll.layer.personal_fields:
        audit.record(request, coll.id, [feature_id])
    if wants_html(request):
        return _private(html_response(request, "item.html", {"collection": coll, "feature": json.loads(text),
                                                             "fields": _fields(coll, personal)}), personal)
    path = f"collections/{coll.id}/items/{feature_id}"
    links = [_link(_url(request, path, f="json"), "self", GEOJSON),
             _link(_url(request, path, f="html"), "alternate", HTML),
             _link(_url(request, f"collections/{coll.id}"), "collection", JSON)]
    body = text[:-1] + ',"links":' + json.dumps(links) + "}"
    return _private(HttpResponse(body, content_type=GEOJSON, headers={"Content-Crs": f"<{target.uri}>"}), personal)
