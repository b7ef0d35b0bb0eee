"""Workflow fixtures: the shipped catalog, organizations and users per role, all made with the
ORM inside the city (no demo city)."""
import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point

from gis.workflow.catalog import load_catalog
from layers.organizations import Organization

CENTRE = Point(69.15, 54.87, srid=4326)
REGISTERED = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone.utc)


@pytest.fixture
def catalog(db):
    load_catalog()


@pytest.fixture
def make_appeal(db):
    """An appeal row as a bulk loader would write it (no workflow): for database-rule tests."""
    from layers.appeals import Appeal

    counter = iter(range(1, 10_000))

    def make(**fields):
        fields.setdefault("number", f"T-{next(counter)}")
        fields.setdefault("category", "roads")
        fields.setdefault("registered_at", REGISTERED)
        fields.setdefault("geom", CENTRE)
        return Appeal.objects.create(**fields)

    return make


@pytest.fixture
def org(db):
    def make(kind="utility", name=None, **fields):
        return Organization.objects.create(kind=kind, name=name or f"{kind} {Organization.objects.count() + 1}",
                                           **fields)

    return make


@pytest.fixture
def user(db):
    def make(*roles, organization=None, name=None):
        from gis.workflow import roles as role_module

        role_module.ensure_groups()
        User = get_user_model()
        u = User.objects.create_user(name or f"{'-'.join(roles) or 'nobody'}{User.objects.count()}")
        for role in roles:
            role_module.grant(u, role, organization=organization)
        return u

    return make
