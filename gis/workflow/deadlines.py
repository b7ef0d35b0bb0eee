"""Deadlines on calendar days, in the city's time zone.

The law counts calendar days (weekends and holidays included): an appeal registered on
day D with a term of N days is due at the end of local day D + N.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from gis.workflow.errors import BadDeadline
from layers.catalog import DEADLINE_DAYS, EXTENDED_DAYS


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(local_tz()).date()


def end_of_day(day: dt.date) -> dt.datetime:
    """The last moment of a local calendar day (what 'by the 17th' means)."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=local_tz())


def due_after(registered_at: dt.datetime, days: int) -> dt.datetime:
    return end_of_day(local_date(registered_at) + dt.timedelta(days=days))


def initial_due(registered_at: dt.datetime, deadline_kind: str) -> dt.datetime:
    return due_after(registered_at, DEADLINE_DAYS[deadline_kind])


def extended_due(registered_at: dt.datetime, current_due: dt.datetime | None) -> dt.datetime:
    """15 → 30 calendar days from registration; refused if it would not move the deadline later."""
    new = due_after(registered_at, EXTENDED_DAYS)
    if current_due is not None and new <= current_due:
        raise BadDeadline(f"the deadline {current_due.astimezone(local_tz()):%Y-%m-%d} is already at or beyond "
                          f"{EXTENDED_DAYS} days; an extension cannot shorten or keep it")
    return new


def deferred_due(due_on: dt.date | str, now: dt.datetime | None = None) -> dt.datetime:
    """A deferred decision keeps a due date, and it must lie in the future."""
    if isinstance(due_on, str):
        try:
            due_on = dt.date.fromisoformat(due_on)
        except ValueError:
            raise BadDeadline(f"due date {due_on!r} is not a date (YYYY-MM-DD)") from None
    today = local_date(now or timezone.now())
    if due_on <= today:
        raise BadDeadline(f"a deferred appeal needs a due date after today ({today}), got {due_on}")
    return end_of_day(due_on)


def days_left(due_at: dt.datetime | None, now: dt.datetime | None = None) -> int | None:
    """Calendar days until the due day (0 on the day itself, negative when overdue)."""
    if due_at is None:
        return None
    return (local_date(due_at) - local_date(now or timezone.now())).days
