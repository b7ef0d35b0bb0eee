"""build_city(seed, scale): every layer of the demo city as rows in memory, ready for COPY.

Rows are plain tuples in the order of `Table.columns` (database column names);
a foreign key holds the row index of the referenced table, which the loader turns
into a database id. Geometry is the last value of each row, in EPSG:4326.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import shapely

from data import appeals as ap
from data import history, vocab
from data.city import SCALES, Plan, district_polygons, make_plan, metric_to_wgs84, yard_polygon
from data.networks import build_networks, build_snowplow, build_transport, edges, short
from data.works import REFERENCE_DAY, dig_orders, repair_works

DEFAULT_SEED = 109
HEATING_STREET = "улица Интернациональная"
DISTRICTS = [("D1", "Центральный", "Орталық"), ("D2", "Подгора", "Подгора"),
             ("D3", "Привокзальный", "Вокзал маңы"), ("D4", "Северный", "Солтүстік")]


@dataclass
class Table:
    layer: str
    columns: list[str]
    rows: list[tuple] = field(default_factory=list)
    fks: dict[str, str] = field(default_factory=dict)  # column -> referenced layer id


@dataclass
class City:
    seed: int
    scale: str
    tables: dict[str, Table]
    links: list[tuple[int, int]]  # (bus stop row, bus route row)
    planted: dict
    events: list[tuple] = field(default_factory=list)  # appeal history: (appeal row, at, action, from, to, note, data)


def _multi(geom):
    return geom if geom.geom_type.startswith("Multi") else shapely.MultiPolygon([geom])


def _finish(table: Table, rows: list[list], srid: int) -> Table:
    """Convert the trailing metric geometry of each row to EPSG:4326."""
    if rows:
        geoms = metric_to_wgs84([r[-1] for r in rows], srid)
        table.rows = [tuple(r[:-1]) + (g,) for r, g in zip(rows, geoms)]
    return table


def city_frame(centre=None, srid: int | None = None) -> tuple[tuple[float, float], int]:
    """The configured city's centre and metric CRS (settings.QALA_CITY), unless given."""
    from django.conf import settings

    city = settings.QALA_CITY
    return tuple(centre or city["center"]), srid or city["metric_srid"]


def build_city(seed: int = DEFAULT_SEED, scale: str = "full", centre=None, srid: int | None = None) -> City:
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    centre, srid = city_frame(centre, srid)
    plan = make_plan(seed, SCALES[scale], centre, srid)
    rng = plan.rng
    t: dict[str, Table] = {}
    rows: dict[str, list[list]] = {}

    def table(layer, columns, fks=None):
        t[layer] = Table(layer, columns, fks=fks or {})
        rows[layer] = []
        return rows[layer]

    out = table("districts", ["code", "name", "name_kk"])
    for (code, name, kk), poly in zip(DISTRICTS, district_polygons(plan)):
        out.append([code, name, kk, _multi(poly)])

    # organizations: utilities, KSKs, departments, contractors, police, akimat
    orgs: dict[str, int] = {}
    out = table("organizations", ["name", "name_kk", "kind", "network_kind", "phone", "email", "address"])
    flats = [b for b in plan.buildings if b.use == "residential"]

    def org(key, name, kk, kind, network=""):
        b = flats[int(rng.integers(len(flats)))]
        orgs[key] = len(out)
        phone = f"+7 7152 {int(rng.integers(30, 99))}-{int(rng.integers(10, 99))}-{int(rng.integers(10, 99))}"
        out.append([name, kk, kind, network, phone, "", f"{plan.streets[b.street].name}, {b.number}",
                    shapely.Point(b.ring[:4].mean(axis=0))])

    for kind, (name, kk) in vocab.UTILITIES.items():
        org(kind, name, kk, "utility", kind)
    for k in range(plan.scale.ksk):
        word = vocab.KSK_WORDS[k % len(vocab.KSK_WORDS)]
        org(f"ksk{k}", f"КСК «{word}»", f"«{word}» ПИК", "ksk")
    for key, name, kk in vocab.DEPARTMENTS:
        org(key, name, kk, "city_department")
    for k, name in enumerate(vocab.CONTRACTORS[:plan.scale.contractors]):
        org(f"contractor{k}", name, "", "contractor")
    org("police", *vocab.POLICE, "police")
    org("akimat", *vocab.AKIMAT, "akimat")

    out = table("streets", ["name", "name_kk", "former_names", "renamed_on", "kind"])
    for k, s in enumerate(plan.streets):
        out.append([s.name, s.name_kk, list(s.former_names), s.renamed_on, "street",
                    shapely.MultiLineString([plan.street_line(k)])])

    all_edges = edges(plan)
    heating_street = plan.street_index(HEATING_STREET)
    works = repair_works(plan, all_edges, sorted(plan.apartment_cells), heating_street,
                         {k: orgs[k] for k in ("heating", "water", "sewer", "roads", "building")})
    last_paving = {w[8]: w for w in works if w[8] is not None and w[2] == "done"}

    cells = plan.cells
    cell_row = {c: k for k, c in enumerate(cells)}
    out = table("yards", ["name", "paving_state", "last_works_on", "last_works", "ksk_id", "district_id"],
                {"ksk_id": "organizations", "district_id": "districts"})
    yard_ksk = {}
    for c in cells:
        i, j = c
        nx = plan.scale.nx
        name = (f"Квартал {short(plan.streets[i].name)} – {short(plan.streets[i + 1].name)}, "
                f"{short(plan.streets[nx + j].name)} – {short(plan.streets[nx + j + 1].name)}")
        if c in plan.apartment_cells:
            yard_ksk[c] = orgs[f"ksk{int(rng.integers(plan.scale.ksk))}"]
            paving = ["good", "fair", "poor", "unpaved"][rng.choice(4, p=[0.25, 0.35, 0.3, 0.1])]
        else:
            paving = ["fair", "poor", "unpaved"][rng.choice(3, p=[0.1, 0.3, 0.6])]
        work = last_paving.get(c)
        if work:
            paving = "good"
        out.append([name, paving, work[4] if work else None, work[0] if work else "", yard_ksk.get(c),
                    plan.district_of(c), _multi(yard_polygon(plan, c))])

    out = table("buildings", ["street", "house_number", "name", "use", "floors", "apartments", "year_built",
                              "yard_id", "district_id"], {"yard_id": "yards", "district_id": "districts"})
    for b in plan.buildings:
        out.append([plan.streets[b.street].name, b.number, b.name, b.use, b.floors, b.apartments, b.year,
                    cell_row[b.cell], plan.district_of(b.cell), shapely.MultiPolygon([shapely.Polygon(b.ring)])])

    installers = [orgs["akimat"]] + [orgs[k] for k in orgs if k.startswith("contractor")]
    out = table("playgrounds", ["kind", "name", "installed_on", "installer_id", "yard_id"],
                {"installer_id": "organizations", "yard_id": "yards"})
    for ring, cell, kind in plan.playgrounds:
        name = "Мини-футбольное поле" if kind == "football" else ("Спортивная площадка" if kind == "sports" else "")
        out.append([kind, name, date(2005, 1, 1) + timedelta(days=int(rng.integers(0, 21 * 365))),
                    installers[int(rng.integers(len(installers)))], cell_row[cell],
                    shapely.MultiPolygon([shapely.Polygon(ring)])])

    out = table("cameras", ["kind", "direction_deg", "installed_on", "owner_id", "stream_id"],
                {"owner_id": "organizations"})
    for i in range(plan.scale.nx):
        for j in range(plan.scale.ny):
            if rng.random() < 0.75:
                kind = ["traffic", "ptz", "fixed"][rng.choice(3, p=[0.4, 0.2, 0.4])]
                out.append([kind, int(rng.integers(0, 360)), date(2016, 1, 1) + timedelta(days=int(rng.integers(0, 3800))),
                            orgs["police"], f"cam-{len(out) + 1:05d}", shapely.Point(plan.nodes[i, j] + (10.0, -10.0))])
    for c in sorted(plan.apartment_cells):
        if rng.random() < 0.6:
            centre = plan.quad(c).mean(axis=0)
            out.append(["dome", int(rng.integers(0, 360)), date(2019, 1, 1) + timedelta(days=int(rng.integers(0, 2500))),
                        orgs["akimat"], f"cam-{len(out) + 1:05d}", shapely.Point(centre + (0.0, 45.0))])

    nets = build_networks(plan, all_edges, heating_street)
    out = table("network_segments", ["kind", "material", "diameter_mm", "year_laid", "status", "operator_id"],
                {"operator_id": "organizations"})
    for kind, _, material, diameter, year, status, line in nets.segments:
        out.append([kind, material, diameter, year, status, orgs[kind], line])
    out = table("wells", ["network_kind", "depth_m", "lid_state", "is_valve", "operator_id"],
                {"operator_id": "organizations"})
    for kind, depth, lid, valve, point in nets.wells:
        out.append([kind, f"{depth:.2f}", lid, valve, orgs[kind], point])

    landmark_nodes = {}
    for b in plan.buildings:
        if b.name:
            landmark_nodes.setdefault(b.cell, b.name)
    routes, stops, links = build_transport(plan, landmark_nodes)
    table("bus_routes", ["number", "name", "operator", "from_stop", "to_stop"]).extend(list(r) for r in routes)
    table("bus_stops", ["name"]).extend(list(s) for s in stops)
    out = table("snowplow_routes", ["vehicle", "schedule", "priority", "operator_id"], {"operator_id": "organizations"})
    plough = orgs.get("contractor2", orgs["roads"])
    for vehicle, schedule, priority, geom in build_snowplow(plan):
        out.append([vehicle, schedule, priority, plough, geom])

    planted = _appeals(plan, t, rows, table, orgs, all_edges, nets, heating_street, yard_ksk)

    contractors = [(orgs[k], k) for k in vocab.UTILITIES] + [(orgs[k], "contractor") for k in orgs if k.startswith("contractor")]
    out = table("dig_orders", ["number", "contractor_id", "purpose", "issued_on", "restore_by", "closed_on",
                                     "closing_act"],
                {"contractor_id": "organizations"})
    out.extend([*r[:-1], _multi(r[-1])] for r in dig_orders(plan, all_edges, contractors))

    out = table("repair_works", ["title", "kind", "status", "starts_on", "ends_on", "organization_id", "budget_kzt"],
                {"organization_id": "organizations"})
    for title, kind, status, starts, ends, org_row, budget, geom, cell in works:
        out.append([title, kind, status, starts, ends, org_row, budget,
                    _multi(yard_polygon(plan, cell) if cell is not None else geom)])

    for layer, table_ in t.items():
        _finish(table_, rows[layer], srid)
    events = planted.pop("events")
    planted["heating_street"] = HEATING_STREET
    planted["reference_day"] = REFERENCE_DAY
    return City(seed, scale, t, links, planted, events)


def sites(plan: Plan, all_edges) -> ap.Sites:
    xy = np.array([b.ring[:4].mean(axis=0) for b in plan.buildings])
    weight = np.array([float(b.apartments or 3) for b in plan.buildings])
    return ap.Sites(xy, weight, np.array([plan.nodes[e.a] for e in all_edges]),
                    np.array([plan.nodes[e.b] for e in all_edges]))


def _appeals(plan, t, rows, table, orgs, all_edges, nets, heating_street, yard_ksk) -> dict:
    """Base appeals plus the planted clusters: accidents on one heating main, houses that are always cold."""
    rng = plan.rng
    end = ap.REFERENCE
    start = end - np.timedelta64(ap.YEARS_BACK * 365, "D")
    site = sites(plan, all_edges)

    # planted 1: heating accidents along the worn-out main of one street
    mains = [s[6] for s in nets.segments if s[0] == "heating" and all_edges[s[1]].street == heating_street]
    n_acc = plan.scale.heating_accidents if mains else 0
    pick = rng.integers(0, max(len(mains), 1), n_acc)
    acc_xy = np.array([shapely.line_interpolate_point(mains[k], rng.random(), normalized=True).coords[0]
                       for k in pick.tolist()]).reshape(-1, 2) + rng.uniform(-8, 8, (n_acc, 2))
    acc_t = ap.heating_seasons(rng, n_acc, start, end)
    acc_type = np.full(n_acc, ap.TYPE_NAMES.index("heating.pipe_burst"))
    edge_of_main = {id(s[6]): s[1] for s in nets.segments}
    acc_edge = np.array([edge_of_main[id(mains[k])] for k in pick.tolist()], dtype=int)

    # planted 2: old apartment houses with many "cold in the flat" complaints
    candidates = [k for k, b in enumerate(plan.buildings) if b.use == "residential" and b.floors in (5, 9) and b.year < 1990]
    cold = sorted(rng.choice(candidates, min(plan.scale.cold_houses, len(candidates)), replace=False).tolist())
    per_house = rng.integers(40, 70, len(cold)) if plan.scale.appeals >= 10000 else rng.integers(15, 25, len(cold))
    cold_house = np.repeat(np.array(cold, dtype=int), per_house)
    cold_t = ap.heating_seasons(rng, len(cold_house), start, end)
    rng.shuffle(cold_house)
    cold_type = np.full(len(cold_house), ap.TYPE_NAMES.index("heating.cold_flat"))

    n_base = plan.scale.appeals - n_acc - len(cold_house)
    base_t = ap.sample_times(rng, n_base, start, end)
    base_type = ap.sample_types(rng, base_t)
    base_xy, base_house, base_edge = ap.sample_places(rng, site, base_type)

    reg = np.concatenate([base_t, acc_t, cold_t])
    types = np.concatenate([base_type, acc_type, cold_type])
    xy = np.concatenate([base_xy, acc_xy, site.house_xy[cold_house]])
    house = np.concatenate([base_house, np.full(n_acc, -1), cold_house])
    edge = np.concatenate([base_edge, acc_edge, np.full(len(cold_house), -1)])
    order = np.argsort(reg, kind="stable")
    reg, types, xy, house, edge = reg[order], types[order], xy[order], house[order], edge[order]

    life = ap.lifecycle(rng, reg, types)
    chan = ap.channels(rng, len(reg))
    names, phones = ap.callers(rng, len(reg))
    numbers = ap.numbers(reg)
    def text(a):
        return [None if s == "NaT" else s.replace("T", " ") + "+00" for s in np.datetime_as_string(a, unit="s")]

    reg_s, due_s, closed_s = text(reg), text(life["due"]), text(life["closed"])
    executor_of = {"heating": orgs["heating"], "water": orgs["water"], "sewerage": orgs["sewer"], "power": orgs["power"],
                   "housing": orgs["housing"], "roads": orgs["roads"], "transport": orgs["roads"],
                   "lighting": orgs["roads"], "waste": orgs.get("contractor3", orgs["housing"]),
                   "improvement": orgs["housing"], "public_order": orgs["police"], "social": orgs["social"],
                   "medicine": orgs["social"], "trees": orgs["nature"]}
    out = table("appeals", ["number", "category", "incident_type", "status", "channel", "registered_at", "due_at",
                            "closed_at", "address", "executor_id", "district_id", "building_id", "caller_name",
                            "caller_phone", "description", "urgent"],
                {"executor_id": "organizations", "district_id": "districts", "building_id": "buildings"})
    points = shapely.points(xy)
    # the district an appeal counts for is the one its point lies in (or the nearest, beyond the outer streets)
    districts = np.array(district_polygons(plan), dtype=object)
    in_district = shapely.distance(points[:, None], districts[None, :]).argmin(axis=1)
    for k in range(len(reg)):
        ty = ap.TYPE_NAMES[types[k]]
        cat = ap.CATEGORY_NAMES[ap.TYPE_CATEGORY[types[k]]]
        h = int(house[k])
        if h >= 0:
            b = plan.buildings[h]
            address = f"{plan.streets[b.street].name}, {b.number}"
        else:
            address = plan.streets[all_edges[int(edge[k])].street].name
        district = int(in_district[k])
        executor = executor_of[cat]
        if cat == "housing" and h >= 0 and plan.buildings[h].cell in yard_ksk:
            executor = yard_ksk[plan.buildings[h].cell]
        out.append([numbers[k], cat, ty, str(life["status"][k]), str(chan[k]), reg_s[k], due_s[k], closed_s[k],
                    address, executor, district, h if h >= 0 else None, names[k], phones[k],
                    f"{vocab.DESCRIPTIONS[ty]}. Адрес: {address}", ty == "sewerage.open_manhole", points[k]])
    return {"cold_buildings": cold, "heating_accidents": n_acc,
            "events": history.events(reg, life["status"], life["due"], life["closed"])}
