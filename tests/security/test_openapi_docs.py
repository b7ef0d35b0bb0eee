"""The Open311 and internal API descriptions are valid OpenAPI 3.0 and follow the server."""
import pytest
from django.urls import Resolver404, resolve
from openapi_spec_validator import validate

from gis.workflow.catalog import load_catalog

DOCS = {"/open311/v2/openapi.json": "/open311/v2", "/api/openapi.json": ""}


def _example_path(path: str) -> str:
    """A documented path with each {parameter} filled, as a client would send it."""
    for name, value in {"{service_code}": "heating", "{service_request_id}": "109-1", "{number}": "109-1",
                        "{order_id}": "1", "{yard_id}": "1", "{source}": "appeals", "{z}": "0", "{x}": "0",
                        "{y}": "0"}.items():
        path = path.replace(name, value)
    assert "{" not in path, path
    return path


@pytest.fixture
def catalog(db):
    load_catalog()


@pytest.mark.parametrize("url", DOCS)
def test_document_is_valid_openapi_3_0_and_every_path_is_routed(client, catalog, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    doc = response.json()
    validate(doc)
    assert doc["servers"][0]["url"] == f"http://testserver{DOCS[url]}"
    for path in doc["paths"]:
        try:
            resolve(DOCS[url] + _example_path(path))
        except Resolver404:
            pytest.fail(f"{path} is documented but not routed")


def test_open311_document_names_the_catalog_services_and_its_error_list(client, catalog):
    from layers.catalog import Category

    doc = client.get("/open311/v2/openapi.json").json()
    post = doc["paths"]["/requests.json"]["post"]
    form = post["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    active = set(Category.objects.filter(active=True).values_list("code", flat=True))
    assert active and set(form["properties"]["service_code"]["enum"]) == active
    assert {"api_key", "service_code", "lat", "long"} <= set(form["required"])
    assert post["responses"]["403"]["content"]["application/json"]["schema"]["items"]["required"] == [
        "code", "description"]
    assert set(doc["paths"]["/requests.xml"]["get"]["responses"]["200"]["content"]) == {"text/xml"}


def test_internal_document_secures_the_staff_endpoints_only(client, catalog):
    doc = client.get("/api/openapi.json").json()
    secured = {path for path, item in doc["paths"].items() for op in item.values() if op.get("security")}
    assert secured == {"/api/workflow/appeals", "/api/workflow/appeals/{number}/transitions",
                       "/api/workflow/appeals/{number}/history", "/api/workflow/appeals/{number}/duplicates",
                       "/dashboard.json"}
    assert doc["components"]["securitySchemes"]["token"] == {
        "type": "apiKey", "in": "header", "name": "Authorization", "description": doc["components"][
            "securitySchemes"]["token"]["description"]}
    problem = doc["paths"]["/api/search"]["get"]["responses"]["400"]["content"]
    assert list(problem) == ["application/problem+json"]


@pytest.mark.parametrize("url", [*DOCS, "/ogc/openapi?f=json"])
def test_every_operation_documents_the_rate_limit_answer(client, catalog, url):
    doc = client.get(url).json()
    for path, item in doc["paths"].items():
        for method, op in item.items():
            too_many = op["responses"]["429"]
            assert "application/problem+json" in too_many["content"] and "Retry-After" in too_many["headers"], (
                method, path)


def test_the_documented_429_is_what_the_limiter_answers(client, catalog, settings):
    documented = client.get("/open311/v2/openapi.json").json()["paths"]["/services.json"]["get"]["responses"]["429"]
    settings.QALA_RATE_LIMITS = {**settings.QALA_RATE_LIMITS, "api": 1}
    client.get("/open311/v2/services.json")
    response = client.get("/open311/v2/services.json")
    assert response.status_code == 429
    assert response["Content-Type"] in documented["content"]
    assert set(documented["content"]["application/problem+json"]["schema"]["required"]) <= set(response.json())
    assert int(response["Retry-After"]) > 0
