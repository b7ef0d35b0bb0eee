"""Bad parameters are the client's fault: a 4xx problem document that says what is wrong."""
import pytest

from tests.ogc.helpers import body

ITEMS = "/ogc/collections/appeals/items"


@pytest.mark.parametrize("url, status, code, words", [
    (f"{ITEMS}?bbox=69.1,54.8,69.2", 400, "invalid-parameter", "4 or 6"),
    (f"{ITEMS}?bbox=69.2,54.8,69.1,54.9", 400, "invalid-parameter", "lower corner"),
    (f"{ITEMS}?bbox=a,b,c,d", 400, "invalid-parameter", "number"),
    (f"{ITEMS}?bbox=nan,54.8,69.1,54.9", 400, "invalid-parameter", "finite"),
    (f"{ITEMS}?crs=EPSG:9999", 400, "unsupported-crs", "EPSG/0/32642"),
    (f"{ITEMS}?bbox=1,2,3,4&bbox-crs=EPSG:2154", 400, "unsupported-crs", "bbox-crs"),
    (f"{ITEMS}?limit=-1", 400, "invalid-parameter", "between 1 and"),
    (f"{ITEMS}?limit=1000000", 400, "invalid-parameter", "between 1 and"),
    (f"{ITEMS}?limit=ten", 400, "invalid-parameter", "whole number"),
    (f"{ITEMS}?offset=-5", 400, "invalid-parameter", "negative"),
    (f"{ITEMS}?datetime=yesterday", 400, "invalid-parameter", "RFC 3339"),
    (f"{ITEMS}?datetime=2026-03-10/2026-03-01", 400, "invalid-parameter", "before"),
    ("/ogc/collections/bus_stops/items?datetime=2026-03-01", 400, "invalid-parameter", "temporal"),
    ("/ogc/collections/nope/items", 404, "unknown-layer", "known layers"),
    ("/ogc/collections/nope", 404, "unknown-layer", "known layers"),
    (f"{ITEMS}?caller_phone=123", 400, "not-queryable", "queryables"),
    (f"{ITEMS}?colour=red", 400, "not-queryable", "queryables"),
    (f"{ITEMS}?registered_at=soon", 400, "invalid-parameter", "date-time"),
    ("/ogc/collections/streets/items?former_names=Ленина", 400, "invalid-parameter", "former_names"),
    (f"{ITEMS}?filter=category = ", 400, "invalid-filter", "cql2-text"),
    (f"{ITEMS}?filter=caller_phone LIKE '%2B7%25'", 400, "not-queryable", "caller_phone"),
    (f"{ITEMS}?filter-lang=cql2-json&filter={{nope", 400, "invalid-filter", "cql2-json"),
    (f"{ITEMS}?filter=category='x'&filter-lang=ecql", 400, "invalid-filter", "filter-lang"),
    (f"{ITEMS}?sortby=-caller_name", 400, "invalid-parameter", "not a queryable"),
    (f"{ITEMS}?sortby=category&after=3", 400, "invalid-parameter", "offset"),
    (f"{ITEMS}?filter=T_AFTER(registered_at)", 400, "invalid-filter", "two arguments"),
    (f"{ITEMS}?filter=T_AFTER(registered_at, TIMESTAMP('2026", 400, "invalid-filter", "cql2-text"),
    (f"{ITEMS}?f=xml", 400, "invalid-parameter", "format"),
    (f"{ITEMS}/abc", 404, "feature-not-found", "abc"),
    (f"{ITEMS}/1?bbox=1,2,3,4", 400, "invalid-parameter", "single feature"),
])
def test_bad_input_is_a_problem_document(client, city, url, status, code, words):
    response = client.get(url)
    assert response.status_code == status, body(response)[:300]
    assert response["Content-Type"] == "application/problem+json"
    doc = response.json()
    assert doc["type"] == f"urn:qala:error:{code}" and doc["status"] == status
    assert words in doc["detail"]
