"""OGC API Features parts 1-3 through Django's test client, on rows made with the ORM."""
import pytest
from pyproj import Transformer

from layers.registry import registry
from tests.ogc.helpers import body, get_json, ids

ITEMS = "/ogc/collections/appeals/items"


def test_collections_are_generated_from_the_registry(client, city):
    doc = get_json(client, "/ogc/collections")
    assert [c["id"] for c in doc["collections"]] == registry.ids()
    appeals = get_json(client, "/ogc/collections/appeals")
    x0, y0, x1, y1 = appeals["extent"]["spatial"]["bbox"][0]
    assert x0 <= 69.15 and x1 >= 69.30 and y0 <= 54.87 and y1 >= 54.95
    assert appeals["extent"]["temporal"]["interval"][0][0].startswith("2026-03-01")
    assert "http://www.opengis.net/def/crs/EPSG/0/32642" in appeals["crs"]


def test_landing_conformance_and_openapi_link_up(client, city):
    landing = get_json(client, "/ogc/")
    rels = {link["rel"] for link in landing["links"]}
    assert {"self", "service-desc", "conformance", "data"} <= rels
    conf = get_json(client, "/ogc/conformance")["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in conf
    response = client.get("/ogc/openapi")
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    paths = response.json()["paths"]
    assert "/collections/dig_orders/items" in paths
    names = {p.get("name") for p in paths["/collections/appeals/items"]["get"]["parameters"]}
    assert "category" in names and "caller_phone" not in names


def test_queryables_are_the_public_fields(client, city):
    doc = get_json(client, "/ogc/collections/appeals/queryables")
    assert set(doc["properties"]) == set(registry.get("appeals").public_fields) | {"geometry"}
    assert doc["properties"]["registered_at"]["format"] == "date-time"


def test_bbox_selects_features_that_intersect(client, city):
    a1, a2, a3 = city["appeals"]
    assert ids(get_json(client, f"{ITEMS}?bbox=69.14,54.86,69.17,54.89")) == [a1.pk, a2.pk]
    # the same box in lat,lon order under EPSG:4326, and in Web Mercator
    assert ids(get_json(client, f"{ITEMS}?bbox=54.86,69.14,54.89,69.17&bbox-crs=EPSG:4326")) == [a1.pk, a2.pk]
    to_3857 = Transformer.from_crs(4326, 3857, always_xy=True)
    x0, y0 = to_3857.transform(69.29, 54.94)
    x1, y1 = to_3857.transform(69.31, 54.96)
    url = f"{ITEMS}?bbox={x0},{y0},{x1},{y1}&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/3857"
    assert ids(get_json(client, url)) == [a3.pk]


def test_keyset_paging_visits_every_feature_once(client, city):
    seen, url = [], f"{ITEMS}?limit=1"
    while url:
        doc = get_json(client, url.replace("http://testserver", ""))
        assert doc["numberReturned"] == len(doc["features"]) <= 1
        seen += ids(doc)
        url = next((link["href"] for link in doc["links"] if link["rel"] == "next"), None)
    assert seen == sorted(a.pk for a in city["appeals"])


def test_offset_and_number_matched_is_an_exact_count_when_small(client, city):
    doc = get_json(client, f"{ITEMS}?limit=1&offset=1")
    assert ids(doc) == [city["appeals"][1].pk]
    assert doc["numberMatched"] == 3
    assert get_json(client, f"{ITEMS}?category=water")["numberMatched"] == 1


def test_datetime_filters_appeals_and_dig_orders(client, city):
    a1, a2, a3 = city["appeals"]
    assert ids(get_json(client, f"{ITEMS}?datetime=2026-03-05T00:00:00Z/..")) == [a2.pk, a3.pk]
    assert ids(get_json(client, f"{ITEMS}?datetime=../2026-03-10")) == [a1.pk, a2.pk]
    assert ids(get_json(client, f"{ITEMS}?datetime=2026-03-20")) == [a3.pk]
    d1, d2 = city["digs"]
    assert ids(get_json(client, "/ogc/collections/dig_orders/items?datetime=2026-04-15/2026-06-01")) == [d2.pk]


def test_property_filters_on_queryables(client, city):
    a1, a2, a3 = city["appeals"]
    assert ids(get_json(client, f"{ITEMS}?category=heating")) == [a1.pk, a3.pk]
    assert ids(get_json(client, f"{ITEMS}?category=heating&status=registered&executor={city['org'].pk}")) == [a1.pk, a3.pk]
    assert ids(get_json(client, f"{ITEMS}?executor={city['org'].pk + 1}")) == []


def test_output_crs_is_transformed_in_the_database(client, city):
    a1 = city["appeals"][0]
    doc = get_json(client, f"{ITEMS}?crs=http://www.opengis.net/def/crs/EPSG/0/4326&limit=1")
    assert doc["features"][0]["geometry"]["coordinates"] == [54.87, 69.15]
    response = client.get(f"/ogc/collections/appeals/items/{a1.pk}?crs=EPSG:32642")
    assert response["Content-Crs"] == "<http://www.opengis.net/def/crs/EPSG/0/32642>"
    x, y = response.json()["geometry"]["coordinates"]
    ex, ey = Transformer.from_crs(4326, 32642, always_xy=True).transform(69.15, 54.87)
    assert abs(x - ex) < 0.01 and abs(y - ey) < 0.01


def test_single_item_and_missing_item(client, city):
    d1 = city["digs"][0]
    doc = get_json(client, f"/ogc/collections/dig_orders/items/{d1.pk}")
    assert doc["properties"]["number"] == "D-1" and doc["geometry"]["type"] == "MultiPolygon"
    assert doc["properties"]["restore_by"] == "2026-04-20"
    problem = get_json(client, f"/ogc/collections/dig_orders/items/{d1.pk + 100}", status=404)
    assert problem["type"] == "urn:qala:error:feature-not-found"


def test_html_pages_render(client, city):
    for url in ("/ogc/", "/ogc/collections", "/ogc/collections/appeals", f"{ITEMS}",
                f"{ITEMS}/{city['appeals'][0].pk}", "/ogc/conformance", "/ogc/collections/appeals/queryables"):
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/html")
    assert "109-2026-000001" in body(client.get(f"{ITEMS}?f=html")).decode()


@pytest.mark.parametrize("query, expected", [
    ("category = 'heating'", [0, 2]),
    ("category = 'heating' AND S_INTERSECTS(geometry, POLYGON((69.1 54.8, 69.2 54.8, 69.2 54.9, 69.1 54.9, 69.1 54.8)))", [0]),
    ("registered_at > TIMESTAMP('2026-03-05T00:00:00Z')", [1, 2]),
    ("T_AFTER(registered_at, TIMESTAMP('2026-03-15T00:00:00Z'))", [2]),
    ("t_before(registered_at, TIMESTAMP('2026-03-05T00:00:00Z')) OR category = 'water'", [0, 1]),
    ("T_DURING(registered_at, INTERVAL('2026-03-05T00:00:00Z', '2026-03-15T00:00:00Z'))", [1]),
    ("status IN ('closed') OR category LIKE 'hea%'", [0, 1, 2]),
])
def test_cql2_text_filter(client, city, query, expected):
    doc = get_json(client, f"{ITEMS}?filter={query}")
    assert ids(doc) == [city["appeals"][i].pk for i in expected]


def test_sortby_orders_and_pages_by_offset(client, city):
    a1, a2, a3 = city["appeals"]
    doc = get_json(client, f"{ITEMS}?sortby=-registered_at&limit=2")
    assert ids(doc) == [a3.pk, a2.pk]
    nxt = next(link["href"] for link in doc["links"] if link["rel"] == "next")
    assert ids(get_json(client, nxt.replace("http://testserver", ""))) == [a1.pk]
    assert ids(get_json(client, f"{ITEMS}?sortby=category,-registered_at")) == [a3.pk, a1.pk, a2.pk]


def test_cql2_json_filter(client, city):
    query = '{"op": "=", "args": [{"property": "category"}, "water"]}'
    doc = get_json(client, f"{ITEMS}?filter-lang=cql2-json&filter={query}")
    assert ids(doc) == [city["appeals"][1].pk]


def test_above_the_count_cap_number_matched_is_replaced_by_a_labelled_estimate(client, city, monkeypatch):
    from gis.ogc import features

    monkeypatch.setattr(features, "COUNT_CAP", 1)
    doc = get_json(client, f"{ITEMS}?limit=1")
    assert "numberMatched" not in doc
    assert isinstance(doc["numberMatchedEstimate"], int)
    last = get_json(client, f"{ITEMS}?limit=1&offset=2")  # the last page knows its count exactly
    assert last["numberMatched"] == 3


def test_openapi_document_is_valid_openapi_3_0(client, db):
    from openapi_spec_validator import validate

    validate(client.get("/ogc/openapi").json())
