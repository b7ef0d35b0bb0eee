"""Schemathesis against our three OpenAPI documents, in-process through Django's WSGI app.

No request it generates may end in a 5xx, and every answer must be documented: its status
code, its content type and its body's schema. Anonymous and as a staff token; a fixed number
of examples per operation, derandomized, so a run is repeatable and bounded. A second pass
sends wrong types and shapes (schemathesis' negative mode) to Open311 and the internal APIs.
"""
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings, strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from gis.models import ApiToken
from gis.workflow import roles
from tests.web.conftest import build_quarter

SCHEMAS = {"ogc": "/ogc/openapi", "open311": "/open311/v2/openapi.json", "internal": "/api/openapi.json"}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = {"ogc": 3, "open311": 12, "internal": 10}  # per operation, so the file runs in about a minute


@pytest.fixture
def wsgi_app(db):
    """Django's own WSGI handler; like django.test.Client, requests do not close the test's
    connection, so they see the fixture city inside the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """Thousands of requests from one address a minute are the point here, not an attack."""
    limits = getattr(settings, "QALA_RATE_LIMITS", None)
    if limits:
        settings.QALA_RATE_LIMITS = {**limits, "tiles": 0, "api": 0, "pages": 0}


@pytest.fixture
def city(db):
    quarter = build_quarter()
    from django.contrib.auth.models import User

    roles.ensure_groups()
    staff = User.objects.create_user("staff-109")
    for role in ("operator", "inspector", "supervisor", "editor"):
        roles.grant(staff, role)
    _, key = ApiToken.issue("schemathesis", user=staff)
    from layers.dig_orders import DigOrder

    return {"key": key, "known": {
        "service_code": ["heating", "water"], "service_request_id": [quarter["appeal"].number],
        "number": [quarter["appeal"].number, quarter["late"].number],
        "order_id": list(DigOrder.objects.values_list("pk", flat=True)),
        "yard_id": [quarter["big"].pk, quarter["small"].pk], "source": ["appeals", "basemap", "yards"]}}


def _fill(case, known: dict, pick: int) -> None:
    """Half the examples aim at rows that exist, so the 200 answers are checked too."""
    for name in case.path_parameters or {}:
        if name in known:
            case.path_parameters[name] = known[name][pick % len(known[name])]


class _Undo(Exception):
    """Raised to roll a request's writes back: each example starts from the same city, and a
    database error in one request cannot abort the transaction for the next."""


def _call(case, app, headers):
    try:
        with transaction.atomic():
            response = case.call(app=app, headers=headers)
            raise _Undo
    except _Undo:
        return response


def _run(operation, app, city, who: str, examples: int, mode=GenerationMode.POSITIVE, checks=CHECKS) -> None:
    headers = {"Authorization": f"Token {city['key']}"} if who == "staff" else {}

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(mode), known=st.booleans(), pick=st.integers(0, 3))
    def check(case, known, pick):
        if known:
            _fill(case, city["known"], pick)
        if who == "staff" and isinstance(case.body, dict) and "api_key" in case.body:
            case.body["api_key"] = city["key"]
        response = _call(case, app, headers)
        case.validate_response(response, checks=checks, headers=headers)

    check()


@pytest.mark.parametrize("who", ["anonymous", "staff"])
@pytest.mark.parametrize("name", list(SCHEMAS))
def test_no_server_error_and_every_answer_is_documented(name, who, city, wsgi_app):
    schema = schemathesis.openapi.from_wsgi(SCHEMAS[name], wsgi_app)
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        try:
            _run(operation, wsgi_app, city, who, EXAMPLES[name])
        except (Exception, BaseExceptionGroup) as exc:  # every failing operation is reported
            failures.append(f"{operation.label}: {exc}")
    assert operations > 5
    assert not failures, f"{len(failures)} of {operations} operations failed:\n\n" + "\n\n".join(failures)


def _negatable(raw: dict) -> bool:
    """A body, a query parameter or a number in the path can be sent wrong; an operation with
    only text path segments cannot (Hypothesis would spend seconds proving it)."""
    return "requestBody" in raw or any(p["in"] == "query" or p["schema"].get("type") == "integer"
                                       for p in raw.get("parameters", []))


@pytest.mark.parametrize("name", ["open311", "internal"])
def test_wrong_types_and_shapes_are_refused_not_a_500(name, city, wsgi_app):
    """Negative mode: values of the wrong type, out of range, a list where a number goes (as the
    staff token, which reaches past the sign-in and api_key checks). Refusals only need to be
    a documented status in a documented content type; their bodies are checked above."""
    schema = schemathesis.openapi.from_wsgi(SCHEMAS[name], wsgi_app)
    failures, negated = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if not _negatable(schema.raw_schema["paths"][operation.path][operation.method.lower()]):
            continue
        try:
            _run(operation, wsgi_app, city, "staff", 5, GenerationMode.NEGATIVE,
                 [not_a_server_error, status_code_conformance, content_type_conformance])
            negated += 1
        except Unsatisfiable:  # what is left to send wrong, Hypothesis could not generate
            continue
        except (Exception, BaseExceptionGroup) as exc:
            failures.append(f"{operation.label}: {exc}")
    assert negated > 3
    assert not failures, f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures)


# What schemathesis found, pinned so it stays fixed however the generated examples drift.

@pytest.mark.parametrize("start, status", [("0565-06-21T17:41:11.187+23:13", 200), ("0001-01-01T00:00:00+05:00", 400)])
def test_open311_dates_with_any_offset_are_answered_not_a_500(client, city, start, status):
    response = client.get("/open311/v2/requests.json", {"start_date": start})
    assert response.status_code == status
    if status == 400:
        assert response.json()[0]["code"] == 400


@pytest.mark.parametrize("field, value", [("lat", {"deg": 54.87}), ("long", [69.15]), ("service_code", ["heating"]),
                                          ("api_key", {"key": "x"})])
def test_open311_json_body_with_a_list_or_object_for_a_scalar_is_a_400(client, city, field, value):
    body = {"api_key": city["key"], "service_code": "heating", "lat": 54.8705, "long": 69.1503, field: value}
    response = client.post("/open311/v2/requests.json", body, content_type="application/json")
    assert response.status_code == (403 if field == "api_key" else 400)
    assert response.json()[0]["code"] == response.status_code


def test_a_failed_csrf_check_on_the_api_is_a_problem_document_and_a_page_elsewhere(db):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    api = browser.post("/api/workflow/appeals", {"category": "heating"}, content_type="application/json")
    assert (api.status_code, api["Content-Type"]) == (403, "application/problem+json")
    assert api.json()["type"] == "urn:qala:error:csrf-failed"
    page = browser.post("/login/", {"username": "x", "password": "y"})
    assert page.status_code == 403 and page["Content-Type"].startswith("text/html")


def test_ogc_document_lists_html_pages_and_the_404_of_a_missing_feature(client, db):
    paths = client.get("/ogc/openapi").json()["paths"]
    assert "text/html" in paths["/collections/yards/items"]["get"]["responses"]["200"]["content"]
    assert {"404"} <= set(paths["/collections/yards/items/{featureId}"]["put"]["responses"])
    assert {"404"} <= set(paths["/collections/yards/items/{featureId}"]["delete"]["responses"])


@pytest.mark.parametrize("path, content_type", [
    ("/yards/-615.geojson", "application/problem+json"), ("/tiles/basemap/1.5/0/0.mvt", "application/problem+json"),
    ("/api/workflow/appeals/a/b/history", "application/problem+json"),
    ("/open311/v2/requests/a/b.json", "application/json"), ("/open311/v2/requests/a/b.xml", "text/xml"),
    ("/no-such-page/", "text/html")])
def test_an_unrouted_url_answers_in_the_shape_of_its_api(client, db, path, content_type):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].split(";")[0] == content_type
