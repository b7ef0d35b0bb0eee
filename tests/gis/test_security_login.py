"""Login throttling: after K failures for a user name (or many from one address) in a window, every
attempt is refused with 429 and the reason, even with the right password, until the window ends."""
import pytest

from gis import ratelimit

PASSWORD = "correct horse battery"


@pytest.fixture
def throttle(settings):
    settings.QALA_LOGIN_THROTTLE = {"failures": 3, "ip_failures": 6, "window": 900}
    settings.QALA_RATE_LIMITS = {**settings.QALA_RATE_LIMITS, "login": 0}
    # a fast hasher: each attempt hashes once, and the real one takes a second on a busy machine
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clock(monkeypatch):
    t = {"now": 1_800_000_000.0}
    monkeypatch.setattr(ratelimit, "now", lambda: t["now"])
    return t


@pytest.fixture
def aigerim(django_user_model, db, throttle):
    return django_user_model.objects.create_user("aigerim", password=PASSWORD)


def login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_failures_lock_the_user_name_out_until_the_window_passes(client, aigerim, throttle, clock):
    for _ in range(3):
        assert login(client, "aigerim", "wrong").status_code == 200  # the form again, with its error
    refused = login(client, "aigerim", PASSWORD)
    assert refused.status_code == 429 and not signed_in(client)
    assert int(refused["Retry-After"]) == 900
    assert "Слишком много неудачных попыток входа" in refused.content.decode()
    assert login(client, "AIGERIM ", PASSWORD).status_code == 429  # the same name, spelled otherwise
    clock["now"] += 900
    assert login(client, "aigerim", PASSWORD).status_code == 302 and signed_in(client)


def test_a_successful_login_resets_the_count(client, aigerim, throttle, clock):
    for _ in range(2):
        login(client, "aigerim", "wrong")
    assert login(client, "aigerim", PASSWORD).status_code == 302
    client.logout()
    for _ in range(2):
        assert login(client, "aigerim", "wrong").status_code == 200
    assert login(client, "aigerim", PASSWORD).status_code == 302  # 2 failures since the success: not locked


def test_one_address_guessing_many_names_is_locked_out(client, aigerim, throttle, clock):
    for i in range(6):
        assert login(client, f"user{i}", "guess").status_code == 200
    assert login(client, "aigerim", PASSWORD).status_code == 429
    assert login(client.__class__(REMOTE_ADDR="10.0.0.5"), "aigerim", PASSWORD).status_code == 302


def test_the_admin_login_is_throttled_too(client, django_user_model, throttle, clock):
    django_user_model.objects.create_superuser("root", password=PASSWORD)
    for _ in range(3):
        client.post("/admin/login/", {"username": "root", "password": "nope"})
    refused = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert refused.status_code == 429 and not signed_in(client)
    assert "Слишком много неудачных попыток входа" in refused.content.decode()
