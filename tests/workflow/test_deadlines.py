"""Deadlines count calendar days in the city's time zone; 15 → 30 once; deferred dates tracked."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from gis.workflow import appeals, deadlines, lifecycle
from gis.workflow.errors import BadDeadline, IllegalTransition

from .conftest import CENTRE

ALMATY = ZoneInfo("Asia/Almaty")


def local(*args):
    return dt.datetime(*args, tzinfo=ALMATY)


def test_calendar_days_count_weekends_and_the_new_year():
    friday = local(2026, 12, 25, 18, 0)  # a Friday, 15 days over two weekends and New Year
    assert deadlines.initial_due(friday, "law") == local(2027, 1, 9, 23, 59, 59)
    assert deadlines.initial_due(friday, "answer") == local(2027, 1, 1, 23, 59, 59)
    assert deadlines.initial_due(friday, "reference") == local(2026, 12, 26, 23, 59, 59)
    assert deadlines.initial_due(friday, "site_visit") == local(2027, 1, 24, 23, 59, 59)


def test_the_local_day_counts_not_the_utc_day():
    # 20:30 UTC on 1 March is already 2 March in the city
    late = dt.datetime(2026, 3, 1, 20, 30, tzinfo=dt.timezone.utc)
    assert deadlines.initial_due(late, "law").date() == dt.date(2026, 3, 17)


def test_extension_moves_15_to_30_and_never_back():
    registered = local(2026, 2, 10, 9, 0)
    due15 = deadlines.initial_due(registered, "law")
    assert deadlines.extended_due(registered, due15) == local(2026, 3, 12, 23, 59, 59)
    with pytest.raises(BadDeadline, match="already at or beyond 30 days"):
        deadlines.extended_due(registered, deadlines.initial_due(registered, "site_visit"))


def test_deferred_due_date_must_lie_ahead():
    now = local(2026, 6, 1, 12, 0)
    assert deadlines.deferred_due("2026-06-02", now) == local(2026, 6, 2, 23, 59, 59)
    with pytest.raises(BadDeadline, match="after today"):
        deadlines.deferred_due("2026-06-01", now)
    with pytest.raises(BadDeadline, match="not a date"):
        deadlines.deferred_due("next spring", now)


def test_days_left_is_negative_when_overdue():
    due = local(2026, 3, 17, 23, 59, 59)
    assert deadlines.days_left(due, local(2026, 3, 10, 8, 0)) == 7
    assert deadlines.days_left(due, local(2026, 3, 17, 23, 0)) == 0
    assert deadlines.days_left(due, local(2026, 3, 20, 8, 0)) == -3


def test_extension_through_the_lifecycle_is_recorded_once(catalog, user):
    operator, inspector = user("operator"), user("inspector")
    registered = local(2026, 2, 10, 9, 0)
    appeal = appeals.register(category="housing", incident_type="housing.roof_leak", point=CENTRE,
                              actor=operator, registered_at=registered)
    assert appeal.due_at == local(2026, 2, 25, 23, 59, 59)
    lifecycle.perform(appeal, "accept", operator, now=registered)
    lifecycle.perform(appeal, "incident", inspector, now=registered)
    appeal = lifecycle.perform(appeal, "extend", inspector, note="commission must inspect the roof",
                               now=registered + dt.timedelta(days=3))
    assert appeal.due_at == local(2026, 3, 12, 23, 59, 59) and appeal.status == "incident"
    event = appeal.events.get(action="extend")
    assert (event.from_state, event.to_state, event.note) == ("incident", "incident", "commission must inspect the roof")
    assert event.data["due_at"].startswith("2026-03-12")
    with pytest.raises(IllegalTransition, match="already extended"):
        lifecycle.perform(appeal, "extend", inspector, note="again")
    assert appeal.events.filter(action="extend").count() == 1
