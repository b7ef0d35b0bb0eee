""""What is here": everything the operator needs about one spot of the city.

A caller's point gives the building and yard, the district, who is responsible
(the yard's KSK, each network's operator nearby), open dig orders, repair works and
recent appeals and network accidents around it. One round trip per section, each an
indexed query (a bounding-box prefilter, then the exact distance on the spheroid).
"""
from __future__ import annotations

import math
from datetime import timedelta

from django.utils import timezone

from gis.errors import OutsideCity, QalaError
from gis.replicas import reading_connection
from gis.sql import fetch_dicts

# how far from a house a caller's point may be and still mean it (a street's width and a half)
BUILDING_RADIUS_M = 100


class BadCoordinates(QalaError):
    code = "bad-coordinates"


def _parse(lon, lat) -> tuple[float, float]:
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError):
        raise BadCoordinates("lon and lat must be numbers (degrees, EPSG:4326).") from None
    if not (math.isfinite(lon) and math.isfinite(lat)) or not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise BadCoordinates(f"({lon}, {lat}) is not a longitude/latitude pair.")
    return lon, lat


NEAR = "{g} && ST_Expand(p.pt, %(deg)s) AND ST_DWithin({g}::geography, p.pt::geography, %(radius)s)"
DIST = "round(ST_Distance({g}::geography, p.pt::geography)::numeric, 1)::float AS distance_m"
POINT = "(SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS pt) p"


def here(lon, lat, radius_m: float = 300, days: int = 90) -> dict:
    lon, lat = _parse(lon, lat)
    if not 1 <= radius_m <= 2000:
        raise BadCoordinates("radius must be between 1 and 2000 metres.")
    if not 1 <= days <= 3 * 366:
        raise BadCoordinates("days must be between 1 and 1098 (three years).")
    params = {"lon": lon, "lat": lat, "radius": radius_m,
              "deg": radius_m / 111_320 / max(math.cos(math.radians(lat)), 0.01) * 1.05,
              "since": timezone.now() - timedelta(days=days), "today": timezone.localdate()}
    with reading_connection().cursor() as cur:
        cur.execute(f"SELECT ST_CoveredBy(p.pt, c.extent), c.name FROM qala_city c, {POINT}", params)
        inside, city = cur.fetchone() or (True, "")
        if not inside:
            raise OutsideCity(f"({lon}, {lat}) is outside the city of {city}.", lon=lon, lat=lat)
        building = fetch_dicts(cur, f"""
            SELECT b.id, b.street, b.house_number, b.name, b.use, b.floors, b.apartments, b.year_built,
                   b.yard_id, ST_Contains(b.geom, p.pt) AS inside, {DIST.format(g='b.geom')}
            FROM layers_building b, {POINT}
            WHERE {NEAR.format(g='b.geom')}
            ORDER BY ST_Contains(b.geom, p.pt) DESC, b.geom <-> p.pt LIMIT 1""", {**params, "radius": BUILDING_RADIUS_M})
        building = building[0] if building else None
        yard = fetch_dicts(cur, f"""
            SELECT y.id, y.name, y.area_m2, y.paving_state, y.last_works_on, y.last_works,
                   o.id AS ksk_id, o.name AS ksk, o.phone AS ksk_phone,
                   ST_Contains(y.geom, p.pt) AS inside, {DIST.format(g='y.geom')}
            FROM layers_yard y LEFT JOIN layers_organization o ON o.id = y.ksk_id, {POINT}
            WHERE (y.id = %(yard)s) OR ({NEAR.format(g='y.geom')})
            ORDER BY ST_Contains(y.geom, p.pt) DESC, y.id = %(yard)s DESC, y.geom <-> p.pt LIMIT 1""",
            {**params, "radius": 80, "yard": building["yard_id"] if building else None})
        yard = yard[0] if yard else None
        district = fetch_dicts(cur, f"""SELECT d.id, d.code, d.name, d.name_kk FROM layers_district d, {POINT}
                                  WHERE ST_Covers(d.geom, p.pt) LIMIT 1""", params)
        utilities = fetch_dicts(cur, f"""
            SELECT DISTINCT ON (s.kind) s.kind AS network_kind, s.id AS segment_id, o.id AS organization_id,
                   o.name AS organization, o.phone, {DIST.format(g='s.geom')}
            FROM layers_networksegment s LEFT JOIN layers_organization o ON o.id = s.operator_id, {POINT}
            WHERE {NEAR.format(g='s.geom')}
            ORDER BY s.kind, s.geom <-> p.pt""", params)
        dig_orders = fetch_dicts(cur, f"""
            SELECT d.id, d.number, d.purpose, d.issued_on, d.restore_by, d.restore_by < %(today)s AS overdue,
                   c.name AS contractor, c.phone AS contractor_phone, {DIST.format(g='d.geom')}
            FROM layers_digorder d JOIN layers_organization c ON c.id = d.contractor_id, {POINT}
            WHERE d.closed_on IS NULL AND {NEAR.format(g='d.geom')}
            ORDER BY distance_m LIMIT 20""", params)
        repairs = fetch_dicts(cur, f"""
            SELECT r.id, r.title, r.kind, r.status, r.starts_on, r.ends_on, o.name AS organization,
                   {DIST.format(g='r.geom')}
            FROM layers_repairwork r LEFT JOIN layers_organization o ON o.id = r.organization_id, {POINT}
            WHERE r.status <> 'done' AND {NEAR.format(g='r.geom')}
            ORDER BY distance_m LIMIT 20""", params)
        appeals = fetch_dicts(cur, f"""
            SELECT a.number, a.category, a.incident_type, a.status, a.registered_at, a.due_at, a.closed_at,
                   a.building_id = %(building)s AS same_building, {DIST.format(g='a.geom')},
                   coalesce(c.network_kind, '') <> '' AS on_network
            FROM layers_appeal a LEFT JOIN layers_category c ON c.code = a.category, {POINT}
            WHERE a.registered_at >= %(since)s
              AND (a.building_id = %(building)s OR ({NEAR.format(g='a.geom')}))
            ORDER BY a.registered_at DESC LIMIT 50""", {**params, "building": building["id"] if building else None})
    # a network accident is an appeal whose catalog category belongs to a network (heating, water …)
    accidents = [a for a in appeals if a.pop("on_network")]
    responsible = []
    if yard and yard["ksk_id"]:
        responsible.append({"role": "ksk", "organization_id": yard["ksk_id"], "organization": yard["ksk"],
                            "phone": yard["ksk_phone"]})
    responsible += [{"role": f"utility:{u['network_kind']}", "organization_id": u["organization_id"],
                     "organization": u["organization"], "phone": u["phone"]} for u in utilities if u["organization"]]
    return {
        "point": {"lon": lon, "lat": lat}, "radius_m": radius_m, "days": days,
        "building": building, "yard": yard, "district": district[0] if district else None,
        "responsible": responsible, "networks": utilities, "dig_orders": dig_orders, "repair_works": repairs,
        "appeals": appeals, "network_accidents": accidents,
    }
