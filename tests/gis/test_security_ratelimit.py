"""Rate limits by client IP: the N+1-th request in a window is a 429 with Retry-After; budgets are
per address and per group, staff are not limited, and every process counts in the same table."""
import pytest
from django.contrib.auth.models import Group
from django.db import connections

from gis import ratelimit
from gis.models import ApiToken, RateCounter

URL = "/ogc/conformance"


@pytest.fixture
def limits(settings):
    settings.QALA_RATE_LIMITS = {"window": 60, "tiles": 5, "api": 3, "pages": 3, "login": 3}
    settings.QALA_TRUSTED_PROXIES = ()
    return settings.QALA_RATE_LIMITS


@pytest.fixture
def clock(monkeypatch):
    """A clock the test moves: windows are cut from it."""
    t = {"now": 1_800_000_010.0}
    monkeypatch.setattr(ratelimit, "now", lambda: t["now"])
    return t


def test_the_request_over_the_limit_is_a_429_with_retry_after(client, db, limits, clock):
    assert [client.get(URL).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(URL)
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["status"] == 429
    assert refused["Retry-After"] == "50"  # 1_800_000_010 is 10 s into a 60 s window
    clock["now"] += 50
    assert client.get(URL).status_code == 200  # a new window, a new budget


def test_addresses_and_groups_have_their_own_budgets(client, db, limits, clock):
    for _ in range(3):
        client.get(URL)
    assert client.get(URL).status_code == 429
    assert client.get(URL, REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/tiles/nosuchsource.json").status_code != 429  # tiles: another budget
    assert client.get("/health").status_code == 200  # never limited
    # a forged X-Forwarded-For is not believed without a trusted proxy
    assert client.get(URL, HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(client, db, limits, clock, settings):
    settings.QALA_TRUSTED_PROXIES = ("127.0.0.0/8",)
    via = {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7"}  # the client forged 6.6.6.6; our proxy added .7
    assert [client.get(URL, **via).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert client.get(URL, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.8").status_code == 200
    assert RateCounter.objects.filter(key__startswith="api:203.0.113.7:").get().hits == 4


def test_staff_are_not_limited(client, db, limits, clock, django_user_model):
    operator = django_user_model.objects.create_user("op")
    operator.groups.add(Group.objects.get_or_create(name="operator")[0])
    client.force_login(operator)
    assert {client.get(URL).status_code for _ in range(6)} == {200}
    _, key = ApiToken.issue("QGIS", user=operator)
    anonymous = client.__class__()
    assert {anonymous.get(URL, HTTP_AUTHORIZATION=f"Token {key}").status_code for _ in range(6)} == {200}
    assert anonymous.get(URL).status_code == 200  # the token's requests did not spend the address's budget


def test_counters_are_shared_between_connections(client, transactional_db, limits, clock):
    """Another worker process is another connection: its hits count against the same budget."""
    assert client.get(URL).status_code == 200
    other = connections.create_connection("default")
    try:
        window = ratelimit.Window.at(clock["now"], 60)
        with other.cursor() as cur:
            cur.execute("SELECT hits FROM qala_ratecounter WHERE key = %s", [window.key("api:127.0.0.1")])
            assert cur.fetchone()[0] == 1  # the request's count is visible to the other connection
            cur.execute(ratelimit.UPSERT, [window.key("api:127.0.0.1"), window.expires])
            cur.execute(ratelimit.UPSERT, [window.key("api:127.0.0.1"), window.expires])
    finally:
        other.close()
    assert client.get(URL).status_code == 429  # 1 + 2 from the other worker + this one > 3


def test_old_windows_are_pruned(client, db, limits, clock, monkeypatch):
    client.get(URL)
    assert RateCounter.objects.count() == 1
    clock["now"] += 3600  # long after; the clock of the database agrees the window expired
    monkeypatch.setattr(ratelimit, "_next_prune", 0.0)
    RateCounter.objects.update(expires_at="2000-01-01T00:00:00Z")
    client.get(URL)
    assert RateCounter.objects.count() == 1  # the old row gone, the new window's row there
    assert RateCounter.objects.get().key.endswith(f":{int(clock['now'] // 60)}")
