"""The city's bones, in metres (UTM): an irregular street grid, blocks, buildings, yards, districts.

Everything is drawn from one numpy Generator in a fixed order, so a seed gives the same city;
geometry is converted to EPSG:4326 once, at the end (data.generate).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from pyproj import Transformer

from data import vocab
from data.petropavl import StreetName, street_names

STREET_HALF = 9.0  # metres from the street's centre line to the block edge
CORNER = 26.0  # metres kept free of buildings at each block corner


@dataclass(frozen=True)
class Scale:
    nx: int  # north-south streets
    ny: int  # east-west streets
    appeals: int
    dig_orders: int
    repair_works: int
    ksk: int
    contractors: int
    bus_routes: int
    snowplow_routes: int
    cold_houses: int
    heating_accidents: int


SCALES = {
    "small": Scale(nx=6, ny=5, appeals=3000, dig_orders=30, repair_works=16, ksk=6, contractors=4,
                   bus_routes=3, snowplow_routes=4, cold_houses=3, heating_accidents=80),
    "full": Scale(nx=20, ny=14, appeals=60000, dig_orders=300, repair_works=150, ksk=40, contractors=10,
                  bus_routes=12, snowplow_routes=24, cold_houses=8, heating_accidents=500),
}


@dataclass
class Building:
    ring: np.ndarray  # (5, 2) metres
    cell: tuple[int, int]
    street: int  # index into Plan.streets
    parity: int  # 1 odd side, 0 even side
    pos: float  # position along the street, for numbering
    corner: bool
    floors: int
    apartments: int | None
    year: int
    use: str = "residential"
    name: str = ""
    number: str = ""


@dataclass
class Plan:
    seed: int
    scale: Scale
    rng: np.random.Generator
    streets: list[StreetName]  # ns streets 0..nx-1, then ew streets
    nodes: np.ndarray  # (nx, ny, 2) metres
    apartment_cells: set[tuple[int, int]] = field(default_factory=set)
    buildings: list[Building] = field(default_factory=list)
    playgrounds: list[tuple[np.ndarray, tuple[int, int], str]] = field(default_factory=list)

    @property
    def cells(self) -> list[tuple[int, int]]:
        return [(i, j) for j in range(self.scale.ny - 1) for i in range(self.scale.nx - 1)]

    def quad(self, cell: tuple[int, int]) -> np.ndarray:
        i, j = cell
        n = self.nodes
        return np.array([n[i, j], n[i + 1, j], n[i + 1, j + 1], n[i, j + 1]])

    def district_of(self, cell: tuple[int, int]) -> int:
        i, j = cell
        return int(i >= (self.scale.nx - 1) // 2) + 2 * int(j >= (self.scale.ny - 1) // 2)

    def street_index(self, name: str) -> int:
        return next(k for k, s in enumerate(self.streets) if s.name == name)

    def street_line(self, k: int) -> np.ndarray:
        nx = self.scale.nx
        return self.nodes[k, :] if k < nx else self.nodes[:, k - nx]


def metric_to_wgs84(geoms, srid: int) -> np.ndarray:
    tr = Transformer.from_crs(srid, 4326, always_xy=True)
    return shapely.transform(np.asarray(geoms, dtype=object),
                             lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def centre_out(n: int) -> list[int]:
    """Grid positions from the middle outwards: the first names in the list get the centre."""
    return sorted(range(n), key=lambda i: (abs(i - (n - 1) / 2), i))


def make_plan(seed: int, scale: Scale, centre: tuple[float, float], srid: int) -> Plan:
    rng = np.random.default_rng(seed)
    names = street_names()
    ns = [s for s in names if s.axis == "ns"]
    ew = [s for s in names if s.axis == "ew"]
    if scale.nx > len(ns) or scale.ny > len(ew):
        raise ValueError("not enough street names for this scale")
    streets: list[StreetName] = [None] * (scale.nx + scale.ny)  # type: ignore[list-item]
    for name, pos in zip(ns, centre_out(scale.nx)):
        streets[pos] = name
    for name, pos in zip(ew, centre_out(scale.ny)):
        streets[scale.nx + pos] = name

    cx, cy = Transformer.from_crs(4326, srid, always_xy=True).transform(*centre)
    xs = np.concatenate([[0], np.cumsum(rng.uniform(190, 300, scale.nx - 1))])
    ys = np.concatenate([[0], np.cumsum(rng.uniform(190, 290, scale.ny - 1))])
    gx, gy = np.meshgrid(xs - xs.mean(), ys - ys.mean(), indexing="ij")
    local = np.stack([gx, gy], axis=-1) + rng.uniform(-20, 20, (scale.nx, scale.ny, 2))
    angle = np.radians(rng.uniform(6, 12))  # the grid is turned a little off north
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    nodes = local @ rot.T + np.array([cx, cy])
    plan = Plan(seed=seed, scale=scale, rng=rng, streets=streets, nodes=nodes)

    hx, hy = (scale.nx - 2) / 2, (scale.ny - 2) / 2
    for cell in plan.cells:
        r = ((cell[0] - hx) / max(hx, 1)) ** 2 + ((cell[1] - hy) / max(hy, 1)) ** 2
        if (r < 0.45) != (rng.random() < 0.08):
            plan.apartment_cells.add(cell)
    _place_buildings(plan)
    _number_houses(plan)
    return plan


def _rect(c, u, n, w, d) -> np.ndarray:
    hw, hd = u * w / 2, n * d / 2
    return np.array([c - hw - hd, c + hw - hd, c + hw + hd, c - hw + hd, c - hw - hd])


def _sides(plan: Plan, cell):
    """Each side of a block: (street index, parity, start, unit along, inward normal, length)."""
    i, j = cell
    nx = plan.scale.nx
    quad = plan.quad(cell)
    streets = [(nx + j, 1), (i + 1, 0), (nx + j + 1, 0), (i, 1)]
    for k in range(4):
        a, b = quad[k], quad[(k + 1) % 4]
        length = float(np.hypot(*(b - a)))
        u = (b - a) / length
        yield streets[k][0], streets[k][1], a, u, np.array([-u[1], u[0]]), length


def _floors_and_year(rng) -> tuple[int, int, float, float]:
    """An apartment house type: floors, year built, slab length and depth."""
    kind = rng.choice(6, p=[0.06, 0.44, 0.28, 0.08, 0.08, 0.06])
    floors, years, length, depth = [(3, (1950, 1965), 50, 12), (5, (1958, 1980), 70, 12),
                                    (9, (1972, 1995), 80, 13), (10, (1985, 2000), 60, 13),
                                    (12, (2005, 2024), 45, 16), (16, (2008, 2025), 28, 18)][kind]
    return floors, int(rng.integers(*years)), length * rng.uniform(0.7, 1.2), depth


def _place_buildings(plan: Plan) -> None:
    rng = plan.rng
    uniques = list(vocab.UNIQUE_LANDMARKS)
    counters = {"school": 0, "kindergarten": 0, "clinic": 0}
    for cell in plan.cells:
        apartment = cell in plan.apartment_cells
        for street, parity, a, u, n, length in _sides(plan, cell):
            if apartment:
                t = CORNER + 4
                while True:
                    floors, year, slab, depth = _floors_and_year(rng)
                    if t + slab > length - CORNER - 4:
                        break
                    c = a + u * (t + slab / 2) + n * (STREET_HALF + 5 + depth / 2)
                    entrances = max(1, round(slab / 16))
                    flats = floors * entrances * (4 if floors < 12 else int(rng.integers(4, 7)))
                    corner = t < CORNER + 10 or t + slab > length - CORNER - 30
                    plan.buildings.append(Building(_rect(c, u, n, slab, depth), cell, street, parity,
                                                   float(c @ u), corner, floors, flats, year))
                    t += slab + rng.uniform(15, 35)
            else:
                step = rng.uniform(21, 26)
                for t in np.arange(CORNER + step / 2, length - CORNER - step / 2, step):
                    w, d = rng.uniform(9, 14), rng.uniform(8, 12)
                    c = a + u * t + n * (STREET_HALF + rng.uniform(3, 6) + d / 2)
                    floors = 1 if rng.random() < 0.85 else 2
                    plan.buildings.append(Building(
                        _rect(c, u, n, w, d), cell, street, parity, float(c @ u), False, floors,
                        1 if rng.random() < 0.9 else 2, int(rng.integers(1935, 2024)), use="house"))
        # the middle of the block: a landmark, a playground or a garden
        street, parity, a, u, n, length = next(_sides(plan, cell))
        centre = plan.quad(cell).mean(axis=0)
        roll = rng.random()
        if apartment and roll < 0.35:
            if uniques:
                name, use, w, d, floors = uniques.pop(0)
            else:
                template, use, w, d, floors = [vocab.SCHOOL, vocab.KINDERGARTEN, vocab.CLINIC][
                    int(rng.choice(3, p=[0.5, 0.35, 0.15]))]
                counters[use] += 1
                name = template.format(n=counters[use] * (3 if use == "school" else 1) + 1)
            plan.buildings.append(Building(_rect(centre, u, n, w, d), cell, street, parity, float(centre @ u),
                                           False, floors, None, int(rng.integers(1960, 2016)), use=use, name=name))
        elif (apartment and roll < 0.9) or (not apartment and roll < 0.2):
            kind = "football" if rng.random() < 0.25 else ("sports" if rng.random() < 0.1 else "playground")
            w, d = (40, 22) if kind != "playground" else (rng.uniform(20, 32), rng.uniform(15, 22))
            plan.playgrounds.append((_rect(centre, u, n, w, d), cell, kind))
    _drop_overlaps(plan)


def _drop_overlaps(plan: Plan) -> None:
    """A jittered corner can push two footprints together; the later one gives way."""
    polys = shapely.polygons([b.ring for b in plan.buildings] + [p[0] for p in plan.playgrounds])
    tree = shapely.STRtree(polys)
    left, right = tree.query(polys, predicate="intersects")
    drop = {int(r) for l, r in zip(left, right) if r > l}
    nb = len(plan.buildings)
    plan.buildings = [b for k, b in enumerate(plan.buildings) if k not in drop]
    plan.playgrounds = [p for k, p in enumerate(plan.playgrounds) if k + nb not in drop]


def _number_houses(plan: Plan) -> None:
    """Odd numbers on one side, even on the other, some with letters (15а) or fractions (15/2)."""
    rng = plan.rng
    order = sorted(range(len(plan.buildings)),
                   key=lambda k: (plan.buildings[k].street, plan.buildings[k].parity, plan.buildings[k].pos))
    last_key, number, letter = None, 0, 0
    for k in order:
        b = plan.buildings[k]
        key = (b.street, b.parity)
        if key != last_key:
            last_key, number, letter = key, (1 if b.parity else 0) - 2, 0
        if number > 0 and rng.random() < 0.06 and letter < 3:
            letter += 1
        else:
            number, letter = number + 2, 0
        text = f"{number}{'абв'[letter - 1] if letter else ''}"
        if b.corner and rng.random() < 0.3:
            text += f"/{int(rng.integers(1, 60))}"
        elif b.use == "residential" and rng.random() < 0.02:
            text += f" корп. {int(rng.integers(2, 4))}"
        b.number = text


def yard_polygon(plan: Plan, cell) -> shapely.Polygon:
    return shapely.buffer(shapely.Polygon(plan.quad(cell)), -STREET_HALF, join_style="mitre")


def district_polygons(plan: Plan) -> list[shapely.Geometry]:
    groups: dict[int, list] = {}
    for cell in plan.cells:
        groups.setdefault(plan.district_of(cell), []).append(shapely.Polygon(plan.quad(cell)))
    return [shapely.union_all(groups[d], grid_size=0.01) for d in sorted(groups)]
