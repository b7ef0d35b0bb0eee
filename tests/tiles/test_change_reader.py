"""The change reader against real concurrent transactions: nothing missed when commits come out
of order, nothing read twice, and a transaction left open does not make it re-read the log."""
import psycopg2
import pytest
from django.db import connection

from tiles.changes import ChangeReader

INSERT = ("INSERT INTO qala_tile_change (table_name, x0, y0, x1, y1, xact, changed_at) "
          "VALUES (%s, 0, 0, 1, 1, pg_current_xact_id()::text::bigint, now())")


@pytest.fixture
def other(transactional_db):
    """Connections of other processes: each its own transaction."""
    s = connection.settings_dict
    conns = []

    def connect():
        conn = psycopg2.connect(dbname=s["NAME"], host=s["HOST"], port=s["PORT"], user=s["USER"])
        conns.append(conn)
        return conn

    yield connect
    for conn in conns:
        conn.close()


def tables(changes):
    return sorted(c.table for c in changes)


def test_a_change_committed_after_a_later_one_is_still_read_once(other):
    reader = ChangeReader()
    reader.start()
    slow, fast = other(), other()
    slow.cursor().execute(INSERT, ["slow"])  # its id and xact come first, its commit last
    with fast, fast.cursor() as cur:
        cur.execute(INSERT, ["fast"])
    assert tables(reader.read()) == ["fast"]
    slow.commit()
    assert tables(reader.read()) == ["slow"]
    assert reader.read() == []


def test_a_transaction_left_open_does_not_make_old_changes_come_back(other):
    """Like a pg_dump or an import holding the oldest snapshot: later reads stay at what is new."""
    idle = other()
    idle.cursor().execute(INSERT, ["idle"])  # takes an xid and keeps it: the horizon stays here
    reader = ChangeReader()
    reader.start()
    writer = other()
    for i in range(50):
        with writer, writer.cursor() as cur:
            cur.execute(INSERT, [f"t{i:02d}"])
    assert len(reader.read()) == 50
    assert reader.read() == []
    assert len(reader.snapshot) < 100  # the position is one snapshot, not the ids seen since the horizon
    idle.commit()
    assert tables(reader.read()) == ["idle"]


def test_the_readers_own_transaction_is_read_as_it_writes(db):
    """Tests and a request that edits then reads run in one transaction: each own write once."""
    reader = ChangeReader()
    with connection.cursor() as cur:
        cur.execute(INSERT, ["before"])
        reader.start()  # begins after its own earlier writes
        assert reader.read() == []
        cur.execute(INSERT, ["own1"])
        assert tables(reader.read()) == ["own1"]
        cur.execute(INSERT, ["own2"])
        assert tables(reader.read()) == ["own2"]
        assert reader.read() == []
