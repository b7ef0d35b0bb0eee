"""Geometry rules hold whoever writes: the model's validation and the database trigger."""
import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from layers.buildings import Building
from layers.cameras import Camera

BOWTIE = Polygon(((69.10, 54.86), (69.11, 54.87), (69.11, 54.86), (69.10, 54.87), (69.10, 54.86)), srid=4326)
SQUARE = Polygon(((69.10, 54.86), (69.101, 54.86), (69.101, 54.861), (69.10, 54.861), (69.10, 54.86)), srid=4326)


def test_valid_building_inside_the_city_is_accepted(db):
    b = Building(street="улица Жамбыла", house_number="15а", floors=5, geom=MultiPolygon(SQUARE, srid=4326))
    b.full_clean()
    b.save()
    b.refresh_from_db()
    assert b.geom.srid == 4326
    assert b.geom.equals_exact(MultiPolygon(SQUARE), tolerance=1e-9)


def test_self_intersecting_polygon_is_refused_by_validation(db):
    b = Building(street="улица Абая", house_number="1", geom=MultiPolygon(BOWTIE, srid=4326))
    with pytest.raises(ValidationError, match="Invalid geometry: Self-intersection"):
        b.full_clean()


def test_self_intersecting_polygon_is_refused_by_the_database(db):
    with pytest.raises(IntegrityError, match="invalid geometry in layers_building"), transaction.atomic():
        Building.objects.create(street="улица Абая", house_number="1", geom=MultiPolygon(BOWTIE, srid=4326))
    assert Building.objects.count() == 0


def test_point_outside_the_city_is_refused_by_validation(db):
    # lat/lon swapped: a typical mistake that lands in the Indian Ocean
    cam = Camera(geom=Point(54.87, 69.15, srid=4326))
    with pytest.raises(ValidationError, match="outside the city extent"):
        cam.full_clean()


def test_point_outside_the_city_is_refused_by_raw_sql(db):
    with pytest.raises(IntegrityError, match="outside the city extent"), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("INSERT INTO layers_camera (kind, stream_id, geom, created_at, updated_at) "
                        "VALUES ('fixed', '', ST_SetSRID(ST_MakePoint(37.6, 55.8), 4326), now(), now())")
    assert Camera.objects.count() == 0


def test_geometry_in_another_srid_is_stored_in_4326(db):
    # a point given in UTM 42N (the city's metric CRS) is transformed, not stored raw
    utm = Point(0, 0, srid=32642)
    utm.x, utm.y = Point(69.15, 54.87, srid=4326).transform(32642, clone=True).coords
    cam = Camera.objects.create(geom=utm)
    cam.refresh_from_db()
    assert cam.geom.srid == 4326
    assert abs(cam.geom.x - 69.15) < 1e-6 and abs(cam.geom.y - 54.87) < 1e-6


def test_raw_sql_with_the_wrong_srid_is_refused(db):
    with pytest.raises(DatabaseError, match="SRID"), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("INSERT INTO layers_camera (kind, stream_id, geom, created_at, updated_at) "
                        "VALUES ('fixed', '', ST_SetSRID(ST_MakePoint(500000, 6080000), 32642), now(), now())")


def test_attribute_constraints_hold_in_the_database(db):
    with pytest.raises(IntegrityError, match="building_floors_range"), transaction.atomic():
        Building.objects.create(street="x", house_number="1", floors=0, geom=MultiPolygon(SQUARE, srid=4326))


def test_yard_area_is_derived_from_its_geometry(db):
    from layers.yards import Yard

    yard = Yard.objects.create(geom=MultiPolygon(SQUARE, srid=4326))
    yard.refresh_from_db()
    # 0.001° × 0.001° at 54.86 N ≈ 64 m × 111 m
    assert 6_500 < yard.area_m2 < 7_500
    yard.geom = MultiPolygon(Polygon(((69.10, 54.86), (69.102, 54.86), (69.102, 54.861), (69.10, 54.861),
                                      (69.10, 54.86))), srid=4326)
    yard.save()
    yard.refresh_from_db()
    assert 13_000 < yard.area_m2 < 15_000
