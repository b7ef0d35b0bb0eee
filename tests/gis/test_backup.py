"""Backup → restore into a fresh database keeps every row of every table, byte for byte."""
import psycopg2
import pytest
from django.contrib.gis.geos import Point
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from layers.appeals import Appeal

CHECKSUMS = """
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname NOT LIKE 'spatial_ref_sys' ORDER BY 1
"""


def table_checksums(cur) -> dict[str, tuple[int, str]]:
    cur.execute("SET TIME ZONE 'UTC'")  # timestamps render in the session's zone
    cur.execute(CHECKSUMS)
    sums = {}
    for (table,) in cur.fetchall():
        cur.execute(f'SELECT count(*), md5(coalesce(string_agg(t::text, \'|\' ORDER BY t::text), \'\')) FROM "{table}" t')
        sums[table] = cur.fetchone()
    return sums


@pytest.fixture
def restore_db():
    name = connection.settings_dict["NAME"] + "_restored"
    s = connection.settings_dict
    admin = psycopg2.connect(dbname="postgres", host=s["HOST"], port=s["PORT"], user=s["USER"],
                             password=s.get("PASSWORD") or None)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    yield name
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.mark.django_db(transaction=True)
def test_backup_restore_round_trip_keeps_every_row(tmp_path, restore_db):
    for i in range(25):
        Appeal.objects.create(number=f"109-2026-{i:06d}", category="heating", registered_at=timezone.now(),
                              caller_name=f"Житель {i}", geom=Point(69.15 + i * 1e-4, 54.87, srid=4326))
    dump = tmp_path / "city.dump"
    call_command("backup", out=str(dump))
    assert dump.stat().st_size > 10_000
    assert not list(tmp_path.glob("*.partial"))
    call_command("restore", str(dump), database_name=restore_db)

    with connection.cursor() as cur:
        before = table_checksums(cur)
    s = connection.settings_dict
    with psycopg2.connect(dbname=restore_db, host=s["HOST"], port=s["PORT"], user=s["USER"]) as other:
        with other.cursor() as cur:
            after = table_checksums(cur)
    assert before["layers_appeal"][0] == 25
    assert before == after


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path, restore_db):
    junk = tmp_path / "junk.dump"
    junk.write_bytes(b"this is not a dump")
    with pytest.raises(CommandError, match="is not a Qala backup"):
        call_command("restore", str(junk), database_name=restore_db)
    with pytest.raises(CommandError, match="no such backup file"):
        call_command("restore", str(tmp_path / "missing.dump"), database_name=restore_db)
