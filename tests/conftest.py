"""Tests run on the real PostGIS: the embedded cluster is started here if needed."""
import pytest

from gis import cluster


def pytest_configure(config):
    cluster.ensure()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty Django cache (the paving ranking is cached for a minute)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _no_rate_limits_without_a_database(request, settings):
    """The rate limiter counts in the database; a test without one (a pure view) is not limited."""
    uses_db = {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    if not uses_db and not request.node.get_closest_marker("django_db"):
        settings.QALA_RATE_LIMITS = {**settings.QALA_RATE_LIMITS, "tiles": 0, "api": 0, "pages": 0, "login": 0}


@pytest.fixture
def city_bbox(settings):
    return settings.QALA_CITY["bbox"]


def qala_subprocess_env(**extra) -> dict:
    """Environment for a `qala` subprocess that must use this run's test database,
    with the embedded cluster (QALA_PG_DB) and with an external one (DATABASE_URL)."""
    import os
    from urllib.parse import urlsplit, urlunsplit

    from django.db import connection

    name = connection.settings_dict["NAME"]
    env = {**os.environ, "QALA_PG_DB": name, **extra}
    if env.get("DATABASE_URL"):
        parts = urlsplit(env["DATABASE_URL"])
        env["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + name))
    return env
