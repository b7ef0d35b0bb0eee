"""CORS only where configured: the read-only public APIs answer configured origins, without
credentials; by default, for other origins and on staff pages there is no CORS header at all."""
import pytest

PUBLIC = "/ogc/conformance"
SITE = "https://map.example.kz"


def test_no_cors_headers_by_default(client, db, settings):
    settings.QALA_CORS_ORIGINS = ()
    response = client.get(PUBLIC, HTTP_ORIGIN=SITE)
    assert response.status_code == 200
    assert not any(h.lower().startswith("access-control-") for h in response.headers)


@pytest.fixture
def configured(settings):
    settings.QALA_CORS_ORIGINS = (SITE, "https://other.example.kz")


def test_a_configured_origin_is_echoed_without_credentials(client, db, configured):
    response = client.get(PUBLIC, HTTP_ORIGIN=SITE)
    assert response["Access-Control-Allow-Origin"] == SITE
    assert "Access-Control-Allow-Credentials" not in response
    assert "Origin" in response["Vary"]
    assert "Access-Control-Allow-Origin" not in client.get(PUBLIC, HTTP_ORIGIN="https://evil.example.com")


def test_preflight_is_answered_for_reads_only(client, db, configured):
    ok = client.options("/api/search", HTTP_ORIGIN=SITE, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert ok.status_code == 204 and ok["Access-Control-Allow-Origin"] == SITE
    assert "POST" not in ok["Access-Control-Allow-Methods"]
    write = client.options("/open311/v2/requests.json", HTTP_ORIGIN=SITE, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert "Access-Control-Allow-Origin" not in write


def test_staff_pages_and_writes_never_get_cors(client, db, configured, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root"))
    for path in ("/operator/", "/admin/", "/api/workflow/appeals/109-2026-000001/history", "/dashboard.json"):
        assert "Access-Control-Allow-Origin" not in client.get(path, HTTP_ORIGIN=SITE), path
    post = client.post("/open311/v2/requests.json", {"service_code": "water"}, HTTP_ORIGIN=SITE)
    assert "Access-Control-Allow-Origin" not in post
