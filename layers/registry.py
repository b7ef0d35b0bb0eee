"""The layer registry: the one source the OGC collections, tiles, legend, importers,
admin and tests read.

A layer is one module in this package that defines its model and a `LAYER`
entry; listing the module in LAYER_MODULES is the one registry line it takes.
Unknown ids fail loudly and registering an id twice is an error.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from typing import Iterator

from django.db import models

from gis.errors import QalaError

# One line per layer; the order is the load order of the demo city and the legend.
LAYER_MODULES = [
    "layers.districts",
    "layers.organizations",
    "layers.streets",
    "layers.yards",
    "layers.buildings",
    "layers.playgrounds",
    "layers.cameras",
    "layers.network_segments",
    "layers.wells",
    "layers.bus_routes",
    "layers.bus_stops",
    "layers.snowplow_routes",
    "layers.appeals",
    "layers.dig_orders",
    "layers.repair_works",
]


class UnknownLayer(QalaError):
    status = 404
    code = "unknown-layer"


class DuplicateLayer(QalaError):
    status = 500
    code = "duplicate-layer"


@dataclass(frozen=True)
class Style:
    """Default cartography; the legend and the web map read it."""

    color: str
    fill: str | None = None
    width: float = 1.0
    radius: float = 4.0
    opacity: float = 0.8
    # colour by data instead of one colour: a field whose values web.mapstyle colours (network
    # kinds), or "deadline" (a dig order on time, soon due, overdue, closed); fills follow it
    color_by: str | None = None
    extrude_by: str | None = None  # the 3D view raises features by this field (floors)


@dataclass(frozen=True)
class Aggregation:
    """Counts on a square grid instead of points, at and below max_zoom (tiles, TileJSON, map)."""

    by: str
    max_zoom: int = 12
    cells_per_tile: int = 32


@dataclass(frozen=True)
class OsmSource:
    """Where this layer's features sit in an OpenStreetMap extract (GDAL's OSM driver)."""

    layer: str  # points, lines, multilinestrings, multipolygons
    where: str | None = None  # an OGR SQL filter on the tags


@dataclass(frozen=True)
class Layer:
    id: str
    model: type[models.Model]
    geometry_type: str  # Point, LineString, MultiLineString, MultiPolygon
    titles: dict[str, str]  # ru, kk, en
    public_fields: tuple[str, ...]
    style: Style
    min_zoom: int = 12
    personal_fields: tuple[str, ...] = ()
    # importer: layer field -> source column names tried in order (OSM tags included)
    import_mapping: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # the field that identifies a feature across imports (an OSM id, a registration number)
    natural_key: str = "source_id"
    required_fields: tuple[str, ...] = ()
    geometry_field: str = "geom"
    geometry_required: bool = True
    # "No appeal is ever lost or deleted": an import's --replace may not remove such features
    never_deleted: bool = False
    # the date a feature happens on: the OGC datetime filter and the temporal extent read it
    temporal_field: str | None = None
    osm: OsmSource | None = None
    description: str = ""
    # Fields only the workflow sets (number, state, deadlines, executor): generic editing (OGC
    # Part 4, the admin) shows them but cannot write them, or a state could skip its history row.
    workflow_fields: tuple[str, ...] = ()
    # low zooms carry grid counts instead of (never silently capped) points
    aggregate: Aggregation | None = None
    on_map: bool = True  # False: served and listed, but no map layer of its own (offices)
    # Where features of this layer are created when generic editing may not (the workflow gives
    # them a number, a deadline, an executor and a first history row); shown in the refusal.
    created_through: str = ""

    def __post_init__(self):
        missing = set(self.titles) ^ {"ru", "kk", "en"}
        if missing:
            raise DuplicateLayer(f"layer {self.id}: titles must be exactly ru/kk/en, differs in {sorted(missing)}")
        opts = self.model._meta
        names = {f.name for f in (*opts.local_fields, *opts.local_many_to_many)}
        for f in (*self.public_fields, *self.personal_fields, *self.required_fields, self.natural_key,
                  *self.workflow_fields, *([self.temporal_field] if self.temporal_field else [])):
            if f not in names:
                raise DuplicateLayer(f"layer {self.id}: {self.model.__name__} has no field {f!r}")
        for f in self.import_mapping:
            if f not in names:
                raise DuplicateLayer(f"layer {self.id}: import mapping names unknown field {f!r}")
        overlap = set(self.public_fields) & set(self.personal_fields)
        if overlap:
            raise DuplicateLayer(f"layer {self.id}: fields both public and personal: {sorted(overlap)}")

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def srid(self) -> int:
        return self.model._meta.get_field(self.geometry_field).srid

    def title(self, lang: str = "en") -> str:
        return self.titles.get(lang) or self.titles["en"]


class Registry:
    def __init__(self) -> None:
        self._layers: dict[str, Layer] = {}

    def register(self, layer: Layer) -> Layer:
        if layer.id in self._layers:
            raise DuplicateLayer(f"layer {layer.id!r} is registered twice")
        self._layers[layer.id] = layer
        return layer

    def get(self, layer_id: str) -> Layer:
        try:
            return self._layers[layer_id]
        except KeyError:
            known = ", ".join(self._layers)
            raise UnknownLayer(f"unknown layer {layer_id!r}; known layers: {known}") from None

    def for_model(self, model: type[models.Model]) -> Layer | None:
        for layer in self._layers.values():
            if layer.model is model:
                return layer
        return None

    def __iter__(self) -> Iterator[Layer]:
        return iter(self._layers.values())

    def __len__(self) -> int:
        return len(self._layers)

    def ids(self) -> list[str]:
        return list(self._layers)


registry = Registry()


def load() -> Registry:
    """Import every layer module once (Django calls this through layers.models)."""
    for name in LAYER_MODULES:
        module = import_module(name)
        layer = getattr(module, "LAYER", None)
        if layer is None:
            raise DuplicateLayer(f"{name} defines no LAYER")
        if layer.id not in registry.ids():
            registry.register(layer)
    return registry
