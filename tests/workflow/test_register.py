"""Registration: numbers per year from the database, catalog defaults, and bad input refused whole."""
import datetime as dt

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from gis.workflow import appeals
from gis.workflow.errors import NoRole, OutsideCity, UnknownCategory, UnknownChannel
from layers.appeals import Appeal
from layers.districts import District
from layers.history import AppealEvent

from .conftest import CENTRE, REGISTERED


def test_numbers_run_per_year_in_the_city_time_zone(catalog, make_appeal):
    first = appeals.register(category="roads", point=CENTRE, registered_at=REGISTERED)
    second = appeals.register(category="roads", point=CENTRE, registered_at=REGISTERED)
    # 31 Dec 20:00 UTC is already 1 January in Petropavl
    new_year = appeals.register(category="roads", point=CENTRE,
                                registered_at=dt.datetime(2025, 12, 31, 20, 0, tzinfo=dt.timezone.utc))
    assert (first.number, second.number) == ("109-2026-000001", "109-2026-000002")
    assert new_year.number == "109-2026-000003"
    old = appeals.register(category="roads", point=CENTRE, registered_at=dt.datetime(2024, 5, 1, tzinfo=dt.timezone.utc))
    assert old.number == "109-2024-000001"


def test_numbers_skip_past_appeals_imported_with_numbers(catalog, make_appeal):
    make_appeal(number="109-2030-000001", registered_at=dt.datetime(2030, 1, 5, tzinfo=dt.timezone.utc))
    make_appeal(number="109-2030-000417", registered_at=dt.datetime(2030, 1, 5, tzinfo=dt.timezone.utc))
    at = dt.datetime(2030, 2, 1, tzinfo=dt.timezone.utc)
    assert appeals.register(category="roads", point=CENTRE, registered_at=at).number == "109-2030-000418"


def test_registration_takes_deadline_urgency_and_district_from_catalog_and_place(catalog, user):
    square = Polygon.from_bbox((69.14, 54.86, 69.16, 54.88))
    district = District.objects.create(code="N", name="Северный", geom=MultiPolygon(square, srid=4326))
    appeal = appeals.register(category="roads", incident_type="roads.open_manhole", point=(69.15, 54.87),
                              actor=user("operator"), channel="telegram", caller_phone="+7 700 000 00 00",
                              registered_at=REGISTERED)
    assert appeal.urgent and appeal.criticality == 5 and appeal.district == district
    assert appeal.due_at.date() == dt.date(2026, 3, 3)  # a reference-term (1 day) incident
    event = appeal.events.get()
    assert (event.action, event.to_state, event.note) == ("register", "registered", "via telegram")


def test_a_point_in_utm_is_stored_in_wgs84(catalog):
    utm = Point(69.15, 54.87, srid=4326).transform(32642, clone=True)
    appeal = appeals.register(category="water", point=utm, registered_at=REGISTERED)
    appeal.refresh_from_db()
    assert appeal.geom.srid == 4326 and abs(appeal.geom.x - 69.15) < 1e-6


@pytest.mark.parametrize("kwargs, error, match", [
    ({"point": (54.87, 69.15)}, OutsideCity, "outside the city"),  # lat/lon swapped
    ({"point": (37.6, 55.75)}, OutsideCity, "outside the city"),  # Moscow
    ({"point": "here"}, OutsideCity, "needs a point"),
    ({"category": "weather"}, UnknownCategory, "unknown category 'weather'"),
    ({"incident_type": "roads.pothole"}, UnknownCategory, "in category 'water'"),
    ({"channel": "pigeon"}, UnknownChannel, "unknown channel 'pigeon'"),
])
def test_bad_input_is_refused_and_nothing_is_written(catalog, kwargs, error, match):
    args = {"category": "water", "point": CENTRE, "registered_at": REGISTERED, **kwargs}
    with pytest.raises(error, match=match) as exc:
        appeals.register(**args)
    assert exc.value.problem()["status"] == 400
    assert not Appeal.objects.exists() and not AppealEvent.objects.exists()


def test_a_person_without_the_operator_role_cannot_register(catalog, user):
    with pytest.raises(NoRole, match="needs the role operator") as exc:
        appeals.register(category="water", point=CENTRE, actor=user("planner"))
    assert exc.value.problem()["status"] == 403
    assert not Appeal.objects.exists()


def test_roles_exist_after_migrate(db):
    from django.contrib.auth.models import Group

    from gis.workflow.roles import ROLES

    assert set(ROLES) <= set(Group.objects.values_list("name", flat=True))


def test_grant_role_command(db, org, capsys):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from gis.workflow import roles

    u = get_user_model().objects.create_user("aigerim")
    with pytest.raises(CommandError, match="belongs to an organization"):
        call_command("grant_role", "aigerim", "executor")
    utility = org("utility", name="Qyzyljar Su")
    call_command("grant_role", "aigerim", "executor", "--organization", str(utility.pk))
    assert "executor" in capsys.readouterr().out
    assert roles.organization_of(u) == utility
    with pytest.raises(CommandError, match="no user"):
        call_command("grant_role", "nobody", "operator")
