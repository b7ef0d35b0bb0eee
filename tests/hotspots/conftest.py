"""Appeals, segments, wells and buildings made with the ORM inside the city bbox."""
from datetime import UTC, datetime

import numpy as np
import pytest
from django.contrib.gis.geos import Point

from layers.appeals import Appeal

_seq = iter(range(1, 10**9))


def make_appeals(lonlat, category="heating", when=datetime(2025, 3, 1, tzinfo=UTC),
                 incident_type="", **extra):
    when = when if isinstance(when, (list, tuple, np.ndarray)) else [when] * len(lonlat)
    rows = [Appeal(number=f"T-{next(_seq)}", category=category, incident_type=incident_type,
                   registered_at=t, geom=Point(float(x), float(y), srid=4326), **extra)
            for (x, y), t in zip(lonlat, when)]
    return Appeal.objects.bulk_create(rows, batch_size=5000)


@pytest.fixture
def appeals_factory(db):
    return make_appeals


@pytest.fixture
def rng():
    return np.random.default_rng(42)


@pytest.fixture(autouse=True)
def _catalog(request):
    """Tests on the database get the appeal catalog (a category's network is catalog data)."""
    for name in ("transactional_db", "db"):
        if name in request.fixturenames:
            from gis.workflow.catalog import load_catalog

            request.getfixturevalue(name)
            load_catalog()
            return
