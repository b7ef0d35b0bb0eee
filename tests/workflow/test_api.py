"""The staff JSON API: each refusal a problem document with its status, nothing written."""
import json

import pytest

from layers.appeals import Appeal
from layers.history import AppealEvent


@pytest.fixture
def as_user(client, user):
    def login(*roles, **kw):
        u = user(*roles, **kw)
        client.force_login(u)
        return client

    return login


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


NEW = {"category": "water", "incident_type": "water.leak", "lon": 69.15, "lat": 54.87, "caller_phone": "+7 700"}


def test_register_then_transitions_and_history(catalog, as_user, org):
    operator = as_user("operator")
    created = post(operator, "/api/workflow/appeals", NEW)
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    assert number.startswith("109-") and created.json()["status"] == "registered"
    accepted = post(operator, f"/api/workflow/appeals/{number}/transitions", {"action": "accept"})
    assert accepted.json()["status"] == "accepted"
    refused = post(operator, f"/api/workflow/appeals/{number}/transitions", {"action": "close"})
    assert refused.status_code == 409 and refused["Content-Type"] == "application/problem+json"
    assert "close is allowed only from callback" in refused.json()["detail"]
    hist = operator.get(f"/api/workflow/appeals/{number}/history").json()
    assert [h["action"] for h in hist["history"]] == ["register", "accept"]


@pytest.mark.parametrize("body, status, code", [
    ({**NEW, "category": "weather"}, 400, "unknown-category"),
    ({**NEW, "lon": 54.87, "lat": 69.15}, 400, "outside-city"),
    ({**NEW, "lon": "east"}, 400, "bad-request-body"),
])
def test_bad_input_is_a_problem_document(catalog, as_user, body, status, code):
    response = post(as_user("operator"), "/api/workflow/appeals", body)
    assert (response.status_code, response.json()["type"]) == (status, f"urn:qala:error:{code}")
    assert not Appeal.objects.exists()


def test_without_role_or_sign_in_nothing_is_written(catalog, client, as_user):
    assert post(client, "/api/workflow/appeals", NEW).status_code == 401
    response = post(as_user("planner"), "/api/workflow/appeals", NEW)
    assert response.status_code == 403 and response.json()["type"] == "urn:qala:error:no-role"
    assert not Appeal.objects.exists() and not AppealEvent.objects.exists()


def test_an_executor_cannot_see_another_organizations_appeal(catalog, as_user, org, make_appeal):
    appeal = make_appeal(number="109-2026-000777", executor=org("utility", name="B"))
    response = as_user("executor", organization=org("utility", name="A")).get(
        f"/api/workflow/appeals/{appeal.number}/history")
    assert response.status_code == 403
