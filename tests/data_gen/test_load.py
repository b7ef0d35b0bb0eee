"""The demo city in the real PostGIS: loaded once, idempotent, deterministic, linked, with its clusters."""
import pytest
from django.core.management import call_command
from django.db import connection, transaction

from data.checksums import checksums
from data.load import DemoCityInUse, load_demo_city
from layers.appeals import Appeal
from layers.buildings import Building
from layers.registry import registry

pytestmark = pytest.mark.django_db


def _counts():
    return {layer.id: layer.model.objects.count() for layer in registry}


class Rollback(Exception):
    pass


def _checksums_of(seed):
    """Load a seed inside a savepoint, hash it, and roll it back."""
    try:
        with transaction.atomic():
            load_demo_city(seed=seed, scale="small", force=True)
            sums = checksums()
            raise Rollback
    except Rollback:
        return sums


def test_same_seed_same_checksums_and_another_seed_differs():
    first, second, other = _checksums_of(109), _checksums_of(109), _checksums_of(7)
    assert first == second
    assert all(count > 0 for count, _ in first.values())
    assert {layer for layer in first if first[layer][1] != other[layer][1]} >= {"buildings", "appeals", "streets"}


def test_second_load_changes_nothing_and_force_replaces():
    assert load_demo_city(scale="small").loaded
    counts, sums = _counts(), checksums()
    again = load_demo_city(scale="small")
    assert not again.loaded and again.seed == 109
    assert _counts() == counts
    assert load_demo_city(scale="small", force=True).loaded
    assert _counts() == counts and checksums() == sums


def test_a_flushed_city_is_loaded_again_despite_its_marker():
    load_demo_city(scale="small")
    with connection.cursor() as cur:  # what `qala flush` or a TransactionTestCase does
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("TRUNCATE " + ", ".join(f'"{layer.table}"' for layer in registry) + " CASCADE")
    assert load_demo_city(scale="small").loaded
    assert registry.get("districts").model.objects.filter(source_id__startswith="demo:").count() == 4


def test_force_refuses_when_real_appeals_point_at_demo_houses():
    load_demo_city(scale="small")
    house = Building.objects.filter(source_id__startswith="demo:").first()
    Appeal.objects.create(number="109-2026-999999", category="heating", registered_at="2026-11-02T10:00Z",
                          building=house, geom=house.geom.centroid)
    with pytest.raises(DemoCityInUse, match="layers_appeal"):
        load_demo_city(scale="small", force=True)


def test_every_layer_is_filled_and_linked():
    load_demo_city(scale="small")
    counts = _counts()
    assert all(n > 0 for n in counts.values()), counts
    assert not Building.objects.filter(yard__isnull=True).exists()
    assert not Building.objects.filter(district__isnull=True).exists()
    assert not Appeal.objects.filter(district__isnull=True).exists()
    assert not Appeal.objects.filter(executor__isnull=True).exists()
    with connection.cursor() as cur:
        cur.execute("""SELECT count(*) FROM layers_building b JOIN layers_yard y ON y.id = b.yard_id
                       WHERE NOT ST_Within(ST_Centroid(b.geom), y.geom)""")
        assert cur.fetchone()[0] == 0
        cur.execute("""SELECT count(*) FROM layers_well w WHERE NOT EXISTS (SELECT 1 FROM layers_networksegment s
                       WHERE s.kind = w.network_kind AND ST_DWithin(s.geom, w.geom, 1e-7))""")
        assert cur.fetchone()[0] == 0, "a well off its network"
        cur.execute("""SELECT count(*) FROM layers_appeal a JOIN layers_district d ON d.id = a.district_id
                       WHERE NOT ST_DWithin(a.geom::geography, d.geom::geography, 10)""")
        assert cur.fetchone()[0] == 0, "an appeal counted in a district it is not in"
    stop = registry.get("bus_stops").model.objects.first()
    assert stop.routes.exists()


def test_every_demo_appeal_has_its_history():
    load_demo_city(scale="small")
    with connection.cursor() as cur:
        cur.execute("""SELECT count(*) FROM layers_appeal a WHERE a.status IS DISTINCT FROM
                       (SELECT e.to_state FROM layers_appealevent e WHERE e.appeal_id = a.id
                        ORDER BY e.at DESC, e.id DESC LIMIT 1)""")
        assert cur.fetchone()[0] == 0, "an appeal whose history does not end in its status"
        cur.execute("""SELECT count(*) FROM layers_appealevent e JOIN layers_appeal a ON a.id = e.appeal_id
                       WHERE e.at < a.registered_at OR e.at > coalesce(a.closed_at, '2026-11-01T00:00Z')""")
        assert cur.fetchone()[0] == 0, "an event outside its appeal's life"
        cur.execute("""SELECT count(DISTINCT appeal_id) FROM layers_appealevent
                       WHERE action = 'register' AND from_state = '' AND to_state = 'registered'""")
        assert cur.fetchone()[0] == Appeal.objects.count()


def _heating_accidents_near(cur, street_clause, params):
    cur.execute(f"""
        WITH mains AS (SELECT s.geom FROM layers_networksegment s JOIN layers_street st ON ST_DWithin(s.geom, st.geom, 0.0002)
                       WHERE s.kind = 'heating' AND {street_clause})
        SELECT count(*)::float / greatest((SELECT sum(ST_Length(geom::geography)) FROM mains), 1) * 1000
        FROM layers_appeal a WHERE a.incident_type = 'heating.pipe_burst'
          AND EXISTS (SELECT 1 FROM mains m WHERE ST_DWithin(a.geom::geography, m.geom::geography, 20))""", params)
    return cur.fetchone()[0]


def test_planted_clusters_stand_out():
    load_demo_city(scale="small")
    with connection.cursor() as cur:
        on_street = _heating_accidents_near(cur, "st.name = %s", ["улица Интернациональная"])
        elsewhere = _heating_accidents_near(cur, "st.name <> %s", ["улица Интернациональная"])
        assert on_street > 5 * elsewhere, (on_street, elsewhere)
        cur.execute("""SELECT count(*) FROM layers_appeal WHERE incident_type = 'heating.cold_flat'
                       GROUP BY building_id ORDER BY 1 DESC""")
        per_house = [r[0] for r in cur.fetchall()]
    assert per_house[2] >= 5 * (sum(per_house[3:]) / max(len(per_house) - 3, 1))


def test_demo_data_command_runs_once(capsys):
    call_command("demo_data", "--scale", "small", "--checksums", verbosity=0)
    call_command("demo_data", "--scale", "small", verbosity=0)
    out = capsys.readouterr().out
    assert "Demo city loaded (seed 109, small)" in out
    assert "already loaded" in out
    assert "buildings" in out


@pytest.mark.slow
def test_full_city_loads_with_every_layer():
    result = load_demo_city(scale="full")
    counts = _counts()
    assert counts["buildings"] >= 5000
    assert counts["appeals"] >= 50000
    assert counts["districts"] >= 4 and counts["organizations"] >= 50
    assert Appeal.objects.filter(status__in=["routed", "answered", "accepted"], due_at__lt="2026-11-01T00:00Z").exists()
    assert registry.get("dig_orders").model.objects.overdue(on="2026-11-01").count() >= 10
    print(f"full city: {sum(result.counts.values())} rows in {result.seconds:.1f} s", result.counts)
