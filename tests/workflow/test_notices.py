"""Overdue dig orders: two notices (contractor, police), each once, over real SMTP on 127.0.0.1."""
import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import connection
from django.utils import timezone

from gis.workflow import dig_orders, notices
from layers.outbox import Notice
from tests.conftest import qala_subprocess_env

from .smtp import SMTPServer

QALA = str(Path(sys.executable).with_name("qala"))
TODAY = timezone.localdate()  # the city's date, as the worker counts it (UTC lags by 5 h)


@pytest.fixture
def smtp(settings):
    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        yield server


@pytest.fixture
def city(org):
    """A contractor, the police, and `make(n)` overdue orders (plus one on time, one closed)."""
    contractor = org("contractor", name="ТОО Дорстрой", email="dorstroy@example.kz")
    org("police", name="УП г. Петропавловск", email="police@example.kz")

    def make(n):
        made = []
        for i in range(n):
            x = 69.15 + i * 0.001
            area = MultiPolygon(Polygon.from_bbox((x, 54.87, x + 0.0003, 54.8702)), srid=4326)
            made.append(dig_orders.register(number=f"ЗР-{i}", contractor=contractor, area=area,
                                            issued_on=TODAY - dt.timedelta(days=30),
                                            restore_by=TODAY - dt.timedelta(days=1 + i)))
        area = MultiPolygon(Polygon.from_bbox((69.14, 54.86, 69.1403, 54.8602)), srid=4326)
        dig_orders.register(number="ЗР-on-time", contractor=contractor, area=area,
                            issued_on=TODAY - dt.timedelta(days=3), restore_by=TODAY)
        closed = dig_orders.register(number="ЗР-closed", contractor=contractor, area=area,
                                     issued_on=TODAY - dt.timedelta(days=30), restore_by=TODAY - dt.timedelta(days=9))
        dig_orders.close(closed, closing_act="АКТ-1", closed_on=TODAY - dt.timedelta(days=10))
        return made

    return make


def by_recipient(messages):
    return sorted((m["to"][0], m["subject"].split("№ ")[1].split(" ")[0]) for m in messages)


def test_two_notices_per_overdue_order_and_never_again(smtp, city):
    city(2)
    first = notices.run_once()
    assert first == {"created": 4, "sent": 4, "failed": 0}
    assert by_recipient(smtp.messages) == [("dorstroy@example.kz", "ЗР-0"), ("dorstroy@example.kz", "ЗР-1"),
                                           ("police@example.kz", "ЗР-0"), ("police@example.kz", "ЗР-1")]
    assert notices.run_once() == {"created": 0, "sent": 0, "failed": 0}
    assert len(smtp.messages) == 4
    assert set(Notice.objects.values_list("state", flat=True)) == {"sent"}
    m = smtp.messages[0]
    assert m["attachments"][0].endswith(".pdf") and m["pdf"][0].startswith(b"%PDF")
    stored = Notice.objects.get(message_id=m["message_id"])
    assert stored.email == m["to"][0] and stored.sent_at


def test_a_notice_without_an_address_waits_visibly_and_goes_out_once_there_is_one(smtp, city, org):
    from layers.organizations import Organization

    Organization.objects.filter(kind="police").update(email="")
    city(1)
    assert notices.run_once() == {"created": 2, "sent": 1, "failed": 1}
    waiting = Notice.objects.get(recipient_kind="police")
    assert waiting.state == "pending" and "no e-mail address for the police" in waiting.last_error
    Organization.objects.filter(kind="police").update(email="duty@police.example.kz")
    assert notices.run_once()["sent"] == 1
    assert [m["to"] for m in smtp.messages] == [["dorstroy@example.kz"], ["duty@police.example.kz"]]


def test_smtp_down_leaves_notices_pending(settings, city):
    from tests.workflow.smtp import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    city(1)
    assert notices.run_once() == {"created": 2, "sent": 0, "failed": 2}
    assert all(n.state == "pending" and "Connection refused" in n.last_error for n in Notice.objects.all())


# ---- real worker processes: committed data, the test database, two at once, one killed ----

def worker_env(port):
    return qala_subprocess_env(QALA_EMAIL_HOST="127.0.0.1", QALA_EMAIL_PORT=str(port), QALA_LOG_LEVEL="WARNING")


def start_worker(port):
    return subprocess.Popen([QALA, "worker", "--once"], env=worker_env(port), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@pytest.fixture
def committed_city(transactional_db, org):
    return city.__wrapped__(org)


def test_two_concurrent_workers_send_each_notice_once(committed_city):
    committed_city(4)
    with SMTPServer() as smtp:
        smtp.recorder.overlap = 2  # hold the first message until both workers are mid-send
        smtp.recorder.delay = 0.1
        workers = [start_worker(smtp.port) for _ in range(2)]
        outs = [w.communicate(timeout=60) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outs
    ids = [m["message_id"] for m in smtp.messages]
    assert len(ids) == 8 and len(set(ids)) == 8
    assert len({m["peer"] for m in smtp.messages}) == 2, "both workers delivered some"
    sent = [int(out.split(" sent")[0].split()[-1]) for out, _ in outs]
    assert sum(sent) == 8 and min(sent) >= 1
    assert Notice.objects.filter(state="sent").count() == 8


def test_a_worker_killed_between_sending_and_marking(committed_city):
    committed_city(1)
    with SMTPServer() as smtp:
        crashing = start_worker(smtp.port)
        smtp.recorder.kill_pid = crashing.pid  # SIGKILL as soon as its first message is accepted
        crashing.communicate(timeout=60)
        assert crashing.returncode == -9
        assert len(smtp.messages) == 1 and Notice.objects.filter(state="sent").count() == 0
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # the server notices the dead client and rolls back
            with connection.cursor() as cur:
                cur.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                            "AND state LIKE 'idle in transaction%%'")
                if cur.fetchone()[0] == 0:
                    break
            time.sleep(0.1)
        again = start_worker(smtp.port)
        out, err = again.communicate(timeout=60)
    assert again.returncode == 0, err
    assert Notice.objects.filter(state="sent").count() == 2
    ids = [m["message_id"] for m in smtp.messages]
    # the crashed notice went out again under the same Message-ID: one message for the mail system
    assert len(ids) == 3 and len(set(ids)) == 2 and ids[0] == ids[1]
    assert set(Notice.objects.values_list("message_id", flat=True)) == set(ids)
    assert Notice.objects.get(message_id=ids[0]).attempts == 1  # the killed attempt was rolled back


def test_the_worker_loops_and_stops_on_sigterm(transactional_db):
    import signal

    with SMTPServer() as smtp:
        proc = subprocess.Popen([QALA, "worker", "--interval", "1"], env=worker_env(smtp.port),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        started = proc.stdout.readline()  # printed once the SIGTERM handler is in place
        assert started.startswith("worker:"), (started, proc.communicate())
        time.sleep(2)  # a round or two
        assert proc.poll() is None, proc.communicate()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err


def test_an_order_closed_before_its_notices_went_out_cancels_them(smtp, city):
    [order] = city(1)
    assert notices.enqueue_overdue() == 2
    dig_orders.close(order, closing_act="АКТ-9")
    assert notices.run_once() == {"created": 0, "sent": 0, "failed": 0}
    assert smtp.messages == []
    assert set(Notice.objects.values_list("state", flat=True)) == {"cancelled"}
