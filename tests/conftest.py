"""Tests run on the real PostGIS: the embedded cluster is started here if needed."""
import pytest

from gis import cluster


def pytest_configure(config):
    cluster.ensure()


@pytest.fixture
def city_bbox(settings):
    return settings.QALA_CITY["bbox"]
