"""The dashboard's numbers, read from the rollup the triggers keep, equal direct counts over
the appeals: after creates, transitions, closings, imports and a compaction, for any window."""
import datetime as dt
import random

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.utils import timezone

from gis.workflow import appeals as workflow
from layers.appeals import Appeal
from tests.web.conftest import X0, Y0
from web.dashboard import summary

DIRECT = """
SELECT {key} AS key, count(*) AS received, count(*) FILTER (WHERE a.closed_at IS NOT NULL) AS closed,
       count(*) FILTER (WHERE a.closed_at IS NULL AND a.due_at < %(now)s) AS overdue,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY round(extract(epoch FROM a.closed_at - a.registered_at) / 8640))
           FILTER (WHERE a.closed_at IS NOT NULL) AS median_tenths
FROM layers_appeal a WHERE a.registered_at >= %(since)s GROUP BY 1
"""


def direct(now, days):
    params = {"now": now, "since": now - dt.timedelta(days=days)}
    out = {}
    with connection.cursor() as cur:
        for name, key in (("by_category", "a.category"), ("by_district", "a.district_id"),
                          ("by_executor", "a.executor_id")):
            cur.execute(DIRECT.format(key=key), params)
            out[name] = {r[0]: (r[1], r[2], r[3], None if r[4] is None else round(r[4] / 10, 1))
                         for r in cur.fetchall()}
        cur.execute("""SELECT (registered_at AT TIME ZONE %(tz)s)::date, count(*) FROM layers_appeal
                       WHERE registered_at >= %(since)s GROUP BY 1""", {**params, "tz": timezone.get_current_timezone_name()})
        today = timezone.localdate(now)  # the trend runs to today; an appeal dated later counts in the rows only
        out["trend"] = {day: n for day, n in cur.fetchall() if day <= today}
    return out


def shown(data):
    out = {name: {r["key"]: (r["received"], r["closed"], r["overdue"], r["median_days"]) for r in data[name]}
           for name in ("by_category", "by_district", "by_executor")}
    out["trend"] = {r["day"]: r["received"] for r in data["trend"] if r["received"]}
    return out


def check(now):
    for days in (1, 7, 30, 90, 1095):
        assert shown(summary(days, now=now)) == direct(now, days), f"window of {days} days"


@pytest.fixture
def city(quarter):
    """Forty appeals spread over three years and around each window's start, some late."""
    rng = random.Random(109)
    now = timezone.now()
    for i in range(40):
        back = dt.timedelta(days=rng.choice([0, 1, 6, 7, 29, 30, 89, 90, 400, 1094]), minutes=rng.choice([-50, 50, 300]))
        registered = now - back
        Appeal.objects.create(
            number=f"109-2000-{i:06d}", category=rng.choice(["heating", "water", "roads"]), status="registered",
            registered_at=registered, due_at=registered + dt.timedelta(days=rng.choice([1, 15])),
            district=rng.choice([quarter["district"], None]), executor=rng.choice([quarter["heat"], None]),
            geom=Point(X0 + 0.001, Y0 + 0.001, srid=4326))
    return quarter


def test_counts_follow_creates_transitions_and_closings(city):
    now = timezone.now() + dt.timedelta(seconds=1)
    check(now)
    for i in range(5):  # through the workflow, as the API registers them
        workflow.register(category="water", incident_type="water.leak", point=(X0 + 0.001 * i, Y0 + 0.001))
    rng = random.Random(7)
    ids = list(Appeal.objects.values_list("id", flat=True))
    for pk in rng.sample(ids, 15):  # closings after various times, some on the day
        a = Appeal.objects.get(pk=pk)
        a.closed_at = a.registered_at + dt.timedelta(hours=rng.choice([1, 5, 30, 200]))
        a.status = "closed"
        a.save()
    Appeal.objects.filter(pk__in=rng.sample(ids, 10)).update(executor=city["heat"])  # routed in bulk
    Appeal.objects.filter(pk__in=rng.sample(ids, 4)).update(category="roads")  # reclassified
    now = timezone.now() + dt.timedelta(seconds=1)
    check(now)  # this summary also folds the deltas into the rollup …
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM qala_appeal_rollup_delta")
        assert cur.fetchone()[0] == 0
    reopened = Appeal.objects.filter(closed_at__isnull=False).first()
    Appeal.objects.filter(pk=reopened.pk).update(closed_at=None, status="registered")
    check(now)  # … and deltas after it still count


def test_a_statement_that_moves_no_count_writes_no_delta(city):
    with connection.cursor() as cur:
        cur.execute("SELECT qala_appeal_rollup_compact()")
        Appeal.objects.update(description="read back to the caller")
        cur.execute("SELECT count(*) FROM qala_appeal_rollup_delta")
        assert cur.fetchone()[0] == 0
