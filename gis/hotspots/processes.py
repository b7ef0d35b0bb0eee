"""The analyses as OGC API Processes, in pygeoapi's plugin shape: a PROCESS_METADATA
dict per process (inputs and outputs with JSON schemas) and a class whose
`execute(data)` returns `(mimetype, outputs)` and raises a QalaError (each carrying
its HTTP status) for bad input. No pygeoapi import: the OGC layer mounts these.
The analyses (scipy, geopandas) are imported when a process runs, not when the URLs load:
that kept every gunicorn worker's and every `qala` command's start ~1 s longer.
"""
from __future__ import annotations

import json
from datetime import date, datetime

from django.utils import timezone

from layers.base import NETWORK_KINDS

from .errors import BadParameter
from .repair_plan import FIELDS

JSON = "application/json"


def _input(title, schema, description="", required=False):
    return {"title": title, "description": description, "schema": schema,
            "minOccurs": 1 if required else 0, "maxOccurs": 1}


DATE = {"type": "string", "format": "date"}
FILTERS = {
    "category": _input("Category", {"type": "string"}, "Appeal category, e.g. heating"),
    "incident_type": _input("Incident type", {"type": "string"}, "e.g. heating.pipe_burst, heating.cold_flat"),
    "district": _input("District code", {"type": "string"}),
}
GRID = {
    "cell_size": _input("Cell size (m)", {"type": "number", "exclusiveMinimum": 0, "default": 250}),
    "distance_band": _input("Distance band (m)", {"type": "number", "exclusiveMinimum": 0},
                            "Neighbours within this distance of a cell centre (default 1.5 cells)"),
    "k": _input("k nearest", {"type": "integer", "minimum": 1}, "k-nearest neighbours instead of a band"),
    "fdr": _input("FDR correction", {"type": "boolean", "default": True}),
}
FEATURES_OUT = {"title": "Cells", "schema": {"type": "object", "contentMediaType": "application/geo+json"}}


def _meta(pid, title, description, inputs, outputs, example):
    return {"version": "1.0.0", "id": pid, "title": {"en": title}, "description": {"en": description},
            "jobControlOptions": ["sync-execute"], "keywords": ["hot spot", "Getis-Ord", "109"],
            "links": [], "inputs": inputs, "outputs": outputs, "example": {"inputs": example}}


HOTSPOTS = _meta(
    "hotspots", "Hot spots (Getis-Ord Gi*)",
    "Appeals counted on a square grid of the city's metric CRS; Gi* z-score, two-sided p-value and "
    "confidence bin (±3/±2/±1 = 99/95/90 %, FDR-corrected) per cell.",
    {"start": _input("Start", DATE, required=True), "end": _input("End (exclusive)", DATE, required=True),
     **FILTERS, **GRID,
     "permutations": _input("Permutations", {"type": "integer", "minimum": 0, "default": 0},
                            "Pseudo p-values by conditional randomization (seeded) instead of the normal approximation"),
     "shape": _input("Cell shape", {"type": "string", "enum": ["square", "hex"], "default": "square"},
                     "square: ST_SquareGrid cells of side cell_size; hex: ST_HexagonGrid hexagons of edge cell_size"),
     "cells": _input("Cells", {"type": "string", "enum": ["extent", "occupied"], "default": "extent"},
                     "extent: every cell of the city (or district) bbox; occupied: only cells with appeals"),
     "only_significant": _input("Only significant cells", {"type": "boolean", "default": False})},
    {"cells": FEATURES_OUT},
    {"start": "2025-01-01", "end": "2026-01-01", "category": "heating", "cell_size": 250})

EMERGING = _meta(
    "emerging-hotspots", "Emerging hot spots",
    "A space-time cube of quarters (or months) ending at `end`, Gi* per slice, Mann-Kendall trend of each "
    "cell's z-scores and Esri's categories (new, consecutive, intensifying, persistent, diminishing, "
    "sporadic, oscillating, historical; hot and cold).",
    {"end": _input("End (exclusive)", DATE, required=True),
     "slices": _input("Time slices", {"type": "integer", "minimum": 3, "maximum": 120, "default": 12}),
     "months": _input("Months per slice", {"type": "integer", "enum": [1, 3], "default": 3}),
     "time_window": _input("Time window (slices)", {"type": "integer", "minimum": 0, "default": 0},
                           "0: Gi* per slice; k: Esri's space-time neighbours, this and the k previous slices"),
     **FILTERS, **GRID},
    {"cells": FEATURES_OUT},
    {"end": "2027-01-01", "category": "heating", "cell_size": 500})

NETWORK_HOTSPOTS = _meta(
    "network-hotspots", "Network hot spots",
    "Accidents snapped to the nearest segment of their network within a radius; Gi* along the network "
    "with neighbours within `hops` shared nodes.",
    {"start": _input("Start", DATE, required=True), "end": _input("End (exclusive)", DATE, required=True),
     "category": FILTERS["category"], "incident_type": FILTERS["incident_type"],
     "kind": _input("Network kind", {"type": "string", "enum": [k for k, _ in NETWORK_KINDS]}),
     "radius": _input("Snapping radius (m)", {"type": "number", "exclusiveMinimum": 0, "default": 50}),
     "hops": _input("Hops", {"type": "integer", "minimum": 1, "default": 2}),
     "fdr": GRID["fdr"]},
    {"segments": {"title": "Segments", "schema": {"type": "object", "contentMediaType": "application/geo+json"}}},
    {"start": "2024-01-01", "end": "2027-01-01", "category": "heating", "incident_type": "heating.pipe_burst"})

TRACE = _meta(
    "network-trace", "Network trace",
    "From a broken segment, the segments cut off by closing the nearest valves, the valves to close, and "
    "the buildings (with addresses and apartments) within `buffer` metres of them.",
    {"segment": _input("Broken segment id", {"type": "integer"}, required=True),
     "buffer": _input("Building buffer (m)", {"type": "number", "minimum": 0, "default": 30})},
    {"trace": {"title": "Trace", "schema": {"type": "object", "contentMediaType": JSON,
                                            "required": ["segments", "valves", "buildings"]}}},
    {"segment": 1, "buffer": 30})

BUILDING_HOTSPOTS = _meta(
    "building-hotspots", "Building hot spots",
    "Appeals linked to each building and Gi* among all buildings (k nearest buildings as neighbours): "
    "is a house's count part of a cluster of complaining houses?",
    {"start": _input("Start", DATE, required=True), "end": _input("End (exclusive)", DATE, required=True),
     "category": FILTERS["category"], "incident_type": FILTERS["incident_type"],
     "k": _input("k nearest", {"type": "integer", "minimum": 1, "default": 8}), "fdr": GRID["fdr"],
     "only_significant": _input("Only significant buildings", {"type": "boolean", "default": True})},
    {"buildings": {"title": "Buildings", "schema": {"type": "array", "contentMediaType": JSON}}},
    {"start": "2024-01-01", "end": "2027-01-01", "incident_type": "heating.cold_flat"})

REPAIR_PLAN = _meta(
    "repair-plan", "Repair plan",
    "Ranked heating segments that are significant hot spots of accidents and houses with many "
    "'cold in the flat' complaints over the 3 years before the plan year.",
    {"year": _input("Plan year", {"type": "integer", "minimum": 2000, "maximum": 2100}, required=True),
     "min_cold": _input("Complaints for a house", {"type": "integer", "minimum": 1, "default": 3}),
     "until": _input("Look-back end", DATE, "Exclusive end of the 3 years looked at (default 1 January of year)")},
    {"plan": {"title": "Plan", "schema": {"type": "array", "contentMediaType": JSON,
                                          "items": {"type": "object", "properties": {f: {} for f in FIELDS}}}}},
    {"year": 2027})


def _date(data, name, required=True):
    raw = data.get(name)
    if raw is None:
        if required:
            raise BadParameter(f"the input {name!r} is required", input=name)
        return None
    try:
        d = raw if isinstance(raw, date) else date.fromisoformat(str(raw)[:10])
    except ValueError:
        raise BadParameter(f"{name} must be a date (YYYY-MM-DD), got {raw!r}", input=name) from None
    return timezone.make_aware(datetime(d.year, d.month, d.day))


def _num(data, name, kind=float, default=None, required=False):
    raw = data.get(name, default)
    if raw is None:
        if required:
            raise BadParameter(f"the input {name!r} is required", input=name)
        return None
    if isinstance(raw, bool):
        raise BadParameter(f"{name} must be a number, got {raw!r}", input=name)
    try:
        value = kind(raw)
    except (TypeError, ValueError):
        raise BadParameter(f"{name} must be a number, got {raw!r}", input=name) from None
    if kind is int and value != float(raw):
        raise BadParameter(f"{name} must be a whole number, got {raw!r}", input=name)
    return value


def _bool(data, name, default):
    raw = data.get(name, default)
    if not isinstance(raw, bool):
        raise BadParameter(f"{name} must be true or false, got {raw!r}", input=name)
    return raw


def _geojson(frame) -> dict:
    return json.loads(frame.to_crs(4326).to_json(drop_id=True))


class Process:
    metadata: dict  # PROCESS_METADATA of the subclass

    def __init__(self, processor_def: dict | None = None):
        self.processor_def = processor_def or {}

    def execute(self, data: dict, outputs=None):
        raise NotImplementedError


class HotspotsProcess(Process):
    metadata = HOTSPOTS

    def execute(self, data, outputs=None):
        from .grid import hotspots

        cells = hotspots(_num(data, "cell_size", default=250), _date(data, "start"), _date(data, "end"),
                         category=data.get("category"), district=data.get("district"),
                         incident_type=data.get("incident_type"), band=_num(data, "distance_band"),
                         k=_num(data, "k", int), fdr=_bool(data, "fdr", True),
                         permutations=_num(data, "permutations", int, 0), cells=data.get("cells", "extent"),
                         shape=data.get("shape", "square"))
        if _bool(data, "only_significant", False):
            cells = cells[cells["bin"] != 0]
        return "application/geo+json", _geojson(cells)


class EmergingHotspotsProcess(Process):
    metadata = EMERGING

    def execute(self, data, outputs=None):
        from .emerging import emerging_hotspots

        cells = emerging_hotspots(_num(data, "cell_size", default=250), _date(data, "end"),
                                  slices=_num(data, "slices", int, 12), months=_num(data, "months", int, 3),
                                  category=data.get("category"), district=data.get("district"),
                                  incident_type=data.get("incident_type"), band=_num(data, "distance_band"),
                                  k=_num(data, "k", int), fdr=_bool(data, "fdr", True),
                                  time_window=_num(data, "time_window", int, 0))
        doc = _geojson(cells)
        doc["slices"] = cells.attrs["slices"]
        return "application/geo+json", doc


class NetworkHotspotsProcess(Process):
    metadata = NETWORK_HOTSPOTS

    def execute(self, data, outputs=None):
        from .network import network_hotspots

        segs = network_hotspots(_date(data, "start"), _date(data, "end"), category=data.get("category"),
                                kind=data.get("kind"), incident_type=data.get("incident_type"),
                                radius_m=_num(data, "radius", default=50), hops=_num(data, "hops", int, 2),
                                fdr=_bool(data, "fdr", True))
        return "application/geo+json", _geojson(segs)


class NetworkTraceProcess(Process):
    metadata = TRACE

    def execute(self, data, outputs=None):
        from .network import network_trace

        return JSON, network_trace(_num(data, "segment", int, required=True), _num(data, "buffer", default=30))


class BuildingHotspotsProcess(Process):
    metadata = BUILDING_HOTSPOTS

    def execute(self, data, outputs=None):
        from .buildings import building_hotspots

        frame = building_hotspots(_date(data, "start"), _date(data, "end"), category=data.get("category"),
                                  incident_type=data.get("incident_type"), k=_num(data, "k", int, 8),
                                  fdr=_bool(data, "fdr", True))
        if _bool(data, "only_significant", True):
            frame = frame[frame["bin"] != 0]
        return JSON, [{"building": int(b), "count": int(n), "z": float(z), "p": float(p), "bin": int(g)}
                      for b, n, z, p, g in frame[["building", "count", "z", "p", "bin"]].itertuples(index=False)]


class RepairPlanProcess(Process):
    metadata = REPAIR_PLAN

    def execute(self, data, outputs=None):
        from .repair_plan import repair_plan

        until = _date(data, "until", required=False)
        rows = repair_plan(_num(data, "year", int, required=True), min_cold=_num(data, "min_cold", int, 3),
                           until=until.date() if until else None)
        return JSON, rows


PROCESSES = {cls.metadata["id"]: cls for cls in (HotspotsProcess, EmergingHotspotsProcess, NetworkHotspotsProcess,
                                                  NetworkTraceProcess, BuildingHotspotsProcess, RepairPlanProcess)}
