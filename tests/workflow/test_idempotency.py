"""Idempotent create: a client's retry with the same Idempotency-Key gets the first appeal back."""
import json
import threading
import time

import pytest
from django.db import connection, transaction

from gis.models import ApiToken
from gis.workflow import appeals
from gis.workflow.catalog import load_catalog
from layers.appeals import Appeal
from layers.history import AppealEvent

from .conftest import CENTRE, REGISTERED

NEW = {"category": "water", "incident_type": "water.leak", "lon": 69.15, "lat": 54.87, "caller_phone": "+7 700"}
# committed tests draw numbers in a year of their own, its sequence dropped after (see test_concurrency)
YEAR = REGISTERED.replace(year=2032)


def create(client, body=NEW, key="retry-1"):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post("/api/workflow/appeals", json.dumps(body), content_type="application/json", headers=headers)


@pytest.fixture
def operator(client, user):
    client.force_login(user("operator"))
    return client


def test_a_retry_returns_the_first_appeal_and_writes_nothing(catalog, operator):
    first = create(operator)
    assert first.status_code == 201 and "Idempotent-Replayed" not in first
    again = create(operator)
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json()["number"] == first.json()["number"]
    assert Appeal.objects.count() == 1 and AppealEvent.objects.count() == 1
    assert create(operator, key="retry-2").status_code == 201  # a new key is a new appeal
    assert create(operator, key=None).status_code == 201  # and no key, as before, always a new one
    assert Appeal.objects.count() == 3


def test_the_same_key_with_another_body_is_refused(catalog, operator):
    number = create(operator).json()["number"]
    refused = create(operator, {**NEW, "lon": 69.16})
    assert refused.status_code == 422 and refused["Content-Type"] == "application/problem+json"
    assert refused.json()["type"] == "urn:qala:error:idempotency-key-reused" and number in refused.json()["detail"]
    assert Appeal.objects.count() == 1


@pytest.mark.parametrize("key", ["k" * 101, "tab\there", "ключ"])
def test_a_malformed_key_is_a_bad_request(catalog, operator, key):
    response = create(operator, key=key)
    assert response.status_code == 400 and response.json()["type"] == "urn:qala:error:bad-idempotency-key"
    assert not Appeal.objects.exists()


def test_two_clients_keys_never_collide(catalog, client, user):
    numbers = set()
    for _ in range(2):
        client.force_login(user("operator"))
        numbers.add(create(client, key="same").json()["number"])
    _, key = ApiToken.issue("integration", user=user("operator"))
    by_token = client.post(
        "/api/workflow/appeals", json.dumps(NEW), content_type="application/json",
        headers={"Idempotency-Key": "same", "Authorization": f"Token {key}"})
    assert by_token.status_code == 201
    numbers.add(by_token.json()["number"])
    assert len(numbers) == 3 == Appeal.objects.count()


def test_open311_accepts_the_key_as_header_or_form_field(catalog, client):
    _, key = ApiToken.issue("Telegram bot", channel="telegram")
    _, other = ApiToken.issue("Mobile app", channel="app")
    form = {"api_key": key, "service_code": "water", "lat": "54.8712", "long": "69.1432", "idempotency_key": "tg-77"}
    url = "/open311/v2/requests.json"
    first = client.post(url, form)
    assert first.status_code == 201, first.content
    again = client.post(url, form)
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json()[0]["service_request_id"] == first.json()[0]["service_request_id"]
    del form["idempotency_key"]
    by_header = client.post(url, form, headers={"Idempotency-Key": "tg-77"})
    assert by_header.status_code == 200 and by_header.json() == again.json()
    assert client.post(url, {**form, "api_key": other}, headers={"Idempotency-Key": "tg-77"}).status_code == 201
    changed = client.post(url, {**form, "lat": "54.88"}, headers={"Idempotency-Key": "tg-77"})
    assert changed.status_code == 422
    assert Appeal.objects.count() == 2 and AppealEvent.objects.count() == 2


@pytest.fixture
def committed():
    load_catalog()
    yield
    with connection.cursor() as cur:
        cur.execute("DROP SEQUENCE IF EXISTS qala_appeal_number_2032")


def register(key):
    try:
        return appeals.register(category="roads", point=CENTRE, registered_at=YEAR, request_key=key)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_request_racing_an_uncommitted_twin_returns_the_twins_appeal(committed):
    """The second insert waits on the unique key, fails when the first commits, and answers with its appeal."""
    inserted, release, result = threading.Event(), threading.Event(), {}

    def first():
        try:
            with transaction.atomic():
                result["first"] = appeals.register(category="roads", point=CENTRE, registered_at=YEAR,
                                                   request_key="user1:race")
                inserted.set()
                release.wait(30)
        finally:
            connection.close()

    def second():
        result["second"] = register("user1:race")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    assert inserted.wait(30)
    threads[1].start()
    with connection.cursor() as cur:  # wait until the second request blocks on the unique index
        for _ in range(300):
            cur.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = "
                        "current_database()")
            if cur.fetchone()[0]:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the second request never waited on the first one's key")
    release.set()
    for t in threads:
        t.join(30)
    assert result["second"].replayed and not result["first"].replayed
    assert result["second"].number == result["first"].number
    assert Appeal.objects.count() == 1 and AppealEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_many_concurrent_retries_make_one_appeal(committed):
    barrier, results = threading.Barrier(6), [None] * 6

    def run(i):
        barrier.wait()
        results[i] = register("user1:burst")

    threads = [threading.Thread(target=run, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len({a.number for a in results}) == 1 and sum(not a.replayed for a in results) == 1
    assert Appeal.objects.count() == 1
