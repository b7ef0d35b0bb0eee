"""The dashboard's numbers, read from the rollup the triggers keep, equal direct counts over
the appeals: after creates, transitions, closings, imports and a compaction, for any window."""
import datetime as dt
import random

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.db.models import F
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
    into_month = timezone.localdate(now).day - 1  # windows starting just before, on and after the month's start
    around = [into_month + k for k in (-1, 0, 1, 2, 16, 31, 32) if into_month + k > 0]
    for days in (1, 7, 30, 90, 1095, *around):
        assert shown(summary(days, now=now)) == direct(now, days), f"window of {days} days"


@pytest.fixture
def city(quarter):
    """Sixty appeals spread over three years, around each window's start and the months' starts."""
    rng = random.Random(109)
    now = timezone.now()
    into_month = timezone.localdate(now).day - 1
    for i in range(60):
        back = dt.timedelta(days=rng.choice([0, 1, 6, 7, 29, 30, 89, 90, 400, 1094, into_month - 1, into_month,
                                             into_month + 1, into_month + 2, into_month + 31, into_month + 32]),
                            minutes=rng.choice([-50, 50, 300]))
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


def test_snapshots_missing_or_rebuilt_give_the_same_numbers(city):
    """A month without its snapshot (a new month before the next compaction) only reads farther."""
    now = timezone.now() + dt.timedelta(seconds=1)
    with connection.cursor() as cur:
        cur.execute("SELECT qala_appeal_rollup_compact()")
        cur.execute("SELECT count(*) FROM qala_appeal_rollup_months WHERE before < 'infinity'")
        assert cur.fetchone()[0] >= 37  # every month start since the oldest appeal's, and next month's
        cur.execute("DELETE FROM qala_appeal_rollup_prefix WHERE before < 'infinity'")
        cur.execute("DELETE FROM qala_appeal_rollup_months WHERE before < 'infinity'")
    check(now)  # no snapshot at all: the total minus every day before the window; the read rebuilds them
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM qala_appeal_rollup_months WHERE before < 'infinity'")
        assert cur.fetchone()[0] >= 37
        month = timezone.localdate().replace(day=1)
        # unlisted, their rows stay behind stale: rebuilding them must replace those
        cur.execute("DELETE FROM qala_appeal_rollup_months WHERE before >= %s AND before < 'infinity'", [month])
        Appeal.objects.filter(closed_at__isnull=True).update(closed_at=F("registered_at") + dt.timedelta(days=3),
                                                             status="closed")
        cur.execute("SELECT qala_appeal_rollup_compact()")  # folds, then adds the missing recent months
        cur.execute("SELECT count(*) FROM qala_appeal_rollup_months WHERE before >= %s", [month])
        assert cur.fetchone()[0] == 3  # this month's, next month's, the total
    check(timezone.now() + dt.timedelta(seconds=1))


def test_a_bulk_fold_rebuilds_the_snapshots(city):
    """Past rebuild_over rows (an import of old appeals) the snapshots are rebuilt, not updated row by row."""
    Appeal.objects.filter(registered_at__lt=timezone.now()).update(
        closed_at=F("registered_at") + dt.timedelta(hours=30), status="closed")
    with connection.cursor() as cur:
        cur.execute("SELECT qala_appeal_rollup_compact(0)")
        assert cur.fetchone()[0] > 0
        cur.execute("SELECT count(*) FROM qala_appeal_rollup_months WHERE before < 'infinity'")
        assert cur.fetchone()[0] >= 37
    check(timezone.now() + dt.timedelta(seconds=1))


def test_counts_start_over_after_truncate(city):
    """A flush (TRUNCATE) empties the rollup and its snapshots, the total among them; it comes back."""
    with connection.cursor() as cur:
        cur.execute("SELECT qala_appeal_rollup_compact()")
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the fixture's deferred checks, before TRUNCATE
        cur.execute("TRUNCATE layers_appeal CASCADE")
    for i in range(3):
        workflow.register(category="water", incident_type="water.leak", point=(X0 + 0.001 * i, Y0 + 0.001))
    check(timezone.now() + dt.timedelta(seconds=1))
    assert summary(7)["totals"]["received"] == 3
