"""What runs along the streets: utility networks with their wells, bus routes and stops, snowplow routes.

A network of one kind is the street grid shifted by a few metres, so its segments
meet exactly at the wells and a trace can walk it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from data import vocab
from data.city import Plan

OFFSETS = {"heating": (5, 4), "water": (-4, -5), "sewer": (4, -6), "storm": (-6, 3), "power": (7, -2),
           "gas": (-3, 7)}
PIPE = {  # material choices, diameters (mm), years laid
    "heating": (["сталь"], [100, 150, 200, 300, 400, 500, 700], (1960, 2024)),
    "water": (["чугун", "сталь", "ПЭ"], [100, 150, 200, 300, 400, 500], (1955, 2024)),
    "sewer": (["чугун", "керамика", "ПЭ"], [150, 200, 300, 400, 600], (1955, 2024)),
    "storm": (["железобетон"], [400, 500, 600, 800, 1000], (1965, 2020)),
    "power": (["кабель АСБ", "кабель АПвБП"], [None], (1965, 2024)),
    "gas": (["сталь", "ПЭ"], [57, 89, 110, 160, 225], (1985, 2024)),
}


@dataclass(frozen=True)
class Edge:
    street: int
    a: tuple[int, int]  # node indices
    b: tuple[int, int]
    cells: tuple[tuple[int, int], ...]  # blocks on either side


def edges(plan: Plan) -> list[Edge]:
    nx, ny = plan.scale.nx, plan.scale.ny
    def ok(c):
        return 0 <= c[0] < nx - 1 and 0 <= c[1] < ny - 1

    out = []
    for i in range(nx):
        for j in range(ny - 1):
            out.append(Edge(i, (i, j), (i, j + 1), tuple(c for c in [(i - 1, j), (i, j)] if ok(c))))
    for j in range(ny):
        for i in range(nx - 1):
            out.append(Edge(nx + j, (i, j), (i + 1, j), tuple(c for c in [(i, j - 1), (i, j)] if ok(c))))
    return out


def network_kinds(plan: Plan, e: Edge) -> list[str]:
    """Water, sewer and power everywhere; heating by flats, gas by houses, storm drains on main streets."""
    flats = any(c in plan.apartment_cells for c in e.cells)
    houses = any(c not in plan.apartment_cells for c in e.cells)
    kinds = ["heating"] if flats else []
    kinds += ["water", "sewer", "power"]
    if houses:
        kinds.append("gas")
    if plan.streets[e.street].main:
        kinds.append("storm")
    return kinds


@dataclass
class Networks:
    segments: list[tuple]  # (kind, edge index, material, diameter, year, status, line)
    wells: list[tuple]  # (kind, depth, lid, is_valve, point)


def build_networks(plan: Plan, all_edges: list[Edge], heating_street: int) -> Networks:
    rng = plan.rng
    segments, wells, node_wells = [], [], set()
    for k, e in enumerate(all_edges):
        for kind in network_kinds(plan, e):
            off = np.array(OFFSETS[kind], dtype=float)
            a, b = plan.nodes[e.a] + off, plan.nodes[e.b] + off
            pieces = int(np.ceil(np.hypot(*(b - a)) / 80))
            pts = a + (b - a) * (np.arange(pieces + 1)[:, None] / pieces)
            materials, diameters, years = PIPE[kind]
            year = int(rng.integers(*years))
            if kind == "heating" and e.street == heating_street:
                year = int(rng.integers(1962, 1970))  # the worn-out main behind the planted accidents
            diameter = diameters[int(rng.integers(len(diameters)))]
            material = materials[int(rng.integers(len(materials)))]
            status = "abandoned" if rng.random() < 0.02 else "active"
            for p in range(pieces):
                segments.append((kind, k, material, diameter, year, status, shapely.LineString(pts[p:p + 2])))
            for p, pt in enumerate(pts):
                end = p in (0, pieces)
                key = (kind, e.a if p == 0 else e.b)
                if end and key in node_wells:
                    continue
                if end:
                    node_wells.add(key)
                lid = rng.choice(4, p=[0.93, 0.04, 0.01, 0.02])
                valve = end and kind in ("heating", "water", "gas") and rng.random() < 0.35
                wells.append((kind, round(float(rng.uniform(1.2, 4.0)), 2), ["ok", "damaged", "missing", "open"][lid],
                              bool(valve), shapely.Point(pt)))
    return Networks(segments, wells)


def _walk(plan: Plan, rng, length: int) -> list[tuple[int, int]]:
    """A bus route: runs along streets with a few turns, never visiting a crossing twice."""
    nx, ny = plan.scale.nx, plan.scale.ny
    for _ in range(50):
        node = (int(rng.integers(nx)), 0) if rng.random() < 0.5 else (0, int(rng.integers(ny)))
        path, heading = [node], (0, 1) if node[1] == 0 else (1, 0)
        while len(path) <= length:
            if rng.random() < 0.25:
                heading = (heading[1], heading[0]) if rng.random() < 0.5 else (-heading[1], -heading[0])
            nxt = (path[-1][0] + heading[0], path[-1][1] + heading[1])
            if not (0 <= nxt[0] < nx and 0 <= nxt[1] < ny) or nxt in path:
                options = [(path[-1][0] + dx, path[-1][1] + dy) for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1))]
                options = [o for o in options if 0 <= o[0] < nx and 0 <= o[1] < ny and o not in path]
                if not options:
                    break
                nxt = options[int(rng.integers(len(options)))]
                heading = (nxt[0] - path[-1][0], nxt[1] - path[-1][1])
            path.append(nxt)
        if len(path) >= min(length, nx + ny - 2) // 2 + 2:
            return path
    return path


def short(name: str) -> str:
    return name.removeprefix("улица ")


def build_transport(plan: Plan, landmarks: dict[tuple[int, int], str]):
    """Bus routes (number, name, operator, from, to, line), stops (name, point) and their links."""
    rng = plan.rng
    nx = plan.scale.nx
    routes, stop_at, stops, links = [], {}, [], []
    span = plan.scale.nx + plan.scale.ny
    for r in range(plan.scale.bus_routes):
        path = _walk(plan, rng, int(rng.integers(span // 2 + 2, span)))
        stop_nodes = path[::2] if path[-1] in path[::2] else path[::2] + [path[-1]]
        names = []
        for node in stop_nodes:
            if node not in stop_at:
                name = landmarks.get(node) or f"{short(plan.streets[node[0]].name)} / {short(plan.streets[nx + node[1]].name)}"
                stop_at[node] = len(stops)
                stops.append((name, shapely.Point(plan.nodes[node] + np.array([12.0, 12.0]))))
            links.append((stop_at[node], r))
            names.append(stops[stop_at[node]][0])
        at = np.array(path)
        line = shapely.MultiLineString([plan.nodes[at[:, 0], at[:, 1]]])
        routes.append((vocab.BUS_NUMBERS[r % len(vocab.BUS_NUMBERS)], f"{names[0]} — {names[-1]}",
                       vocab.BUS_OPERATORS[r % len(vocab.BUS_OPERATORS)], names[0], names[-1], line))
    return routes, stops, sorted(set(links))


def build_snowplow(plan: Plan) -> list[tuple]:
    """Main streets first (priority 1), the rest grouped a few streets to a vehicle."""
    rng = plan.rng
    order = sorted(range(len(plan.streets)), key=lambda k: (not plan.streets[k].main, k))
    groups = np.array_split(np.array(order), plan.scale.snowplow_routes)
    routes = []
    for g, members in enumerate(groups):
        if len(members) == 0:
            continue
        main = all(plan.streets[k].main for k in members)
        letters = "".join(rng.choice(list("ABCEHKMOPTX"), 3))
        plate = f"{int(rng.integers(100, 999))} {letters} 15"
        schedule = "ежедневно 04:00–08:00" if main else "ежедневно 08:00–16:00, после снегопада"
        routes.append((plate, schedule, 1 if main else 2,
                       shapely.MultiLineString([plan.street_line(int(k)) for k in members])))
    return routes
