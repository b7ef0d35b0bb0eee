"""Which source column feeds which layer field: the registry's defaults, overridden
by an optional YAML mapping file, checked as a whole before a single row is read.

A mapping file (every key optional):

    key: source_id                 # the layer field that identifies a feature
    source_layer: multipolygons    # which layer of a multi-layer file
    where: "building IS NOT NULL"  # OGR SQL attribute filter
    fields:
      source_id: OBJECTID          # a column name
      kind: {value: sewer}         # a constant
      diameter_mm: {column: Notes, multiply: 25.4}   # inches to millimetres
      contractor: {column: Contractor, match: name}  # a reference, found by the organization's name
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import models

from importers.convert import supported
from importers.errors import BadKey, BadMapping, MissingColumn, UnknownField
from layers.registry import Layer

# Columns that usually carry a feature's id in files from other systems.
SOURCE_ID_COLUMNS = ("source_id", "id", "fid", "OBJECTID", "objectid", "osm_id")
NOT_IMPORTABLE = {"id", "created_at", "updated_at"}
FIELD_OPTIONS = {"column", "value", "multiply", "match"}
NUMERIC = {"IntegerField", "BigIntegerField", "SmallIntegerField", "PositiveIntegerField",
           "PositiveSmallIntegerField", "PositiveBigIntegerField", "FloatField", "DecimalField"}
FILE_OPTIONS = {"key", "source_layer", "where", "fields", "layer"}


@dataclass(frozen=True)
class FieldSource:
    """Where one layer field comes from: a column, OSM tags, the OSM id, or a constant."""

    field: str
    column: str | None = None
    tags: tuple[str, ...] = ()
    osm_id: bool = False
    value: object = None
    multiply: float | None = None
    match: str | None = None  # for a reference: the referenced layer's field the values name


@dataclass
class MappingFile:
    """The parsed YAML file, before it is matched to a source."""

    fields: dict[str, dict] = field(default_factory=dict)
    key: str | None = None
    source_layer: str | None = None
    where: str | None = None
    layer: str | None = None


@dataclass
class Mapping:
    layer: Layer
    key: str
    sources: dict[str, FieldSource]

    def model_field(self, name: str) -> models.Field:
        return self.layer.model._meta.get_field(name)


def importable_fields(layer: Layer) -> dict[str, models.Field]:
    """Concrete, non-geometry fields an import may write (references only through a mapping file)."""
    out = {}
    for f in layer.model._meta.concrete_fields:
        if f.name in NOT_IMPORTABLE or f.name == layer.geometry_field or not (f.is_relation or supported(f)):
            continue
        out[f.name] = f
    return out


def read_mapping_file(path: str | Path) -> MappingFile:
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadMapping(f"cannot read mapping file {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise BadMapping(f"mapping file {path} is not valid YAML: {exc}") from None
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        raise BadMapping(f"mapping file {path} must be a YAML mapping with a 'fields' section")
    unknown = set(doc) - FILE_OPTIONS
    if unknown:
        raise BadMapping(f"mapping file {path}: unknown option(s) {sorted(unknown)}; "
                         f"known: {sorted(FILE_OPTIONS)}")
    fields = doc.get("fields") or {}
    if not isinstance(fields, dict):
        raise BadMapping(f"mapping file {path}: 'fields' must map layer fields to columns")
    parsed = {}
    for name, spec in fields.items():
        if isinstance(spec, str):
            spec = {"column": spec}
        if not isinstance(spec, dict) or not (set(spec) <= FIELD_OPTIONS) or \
                ("column" in spec) == ("value" in spec):
            raise BadMapping(f"mapping file {path}: field {name!r} must be a column name or "
                             "{column: NAME[, multiply: N]} or {value: CONSTANT}")
        parsed[str(name)] = spec
    return MappingFile(fields=parsed, key=doc.get("key"), source_layer=doc.get("source_layer"),
                       where=doc.get("where"), layer=doc.get("layer"))


def build_mapping(layer: Layer, columns: list[str], *, mapping_file: MappingFile | None = None,
                  key: str | None = None, osm: bool = False) -> Mapping:
    """Match the layer's fields to the source's columns; refuse anything unresolvable.

    Every problem is found here, before a row is read, and named: an unknown target
    field, a column the file lacks, a required field or key with no source.
    """
    mapping_file = mapping_file or MappingFile()
    fields = importable_fields(layer)
    if mapping_file.layer and mapping_file.layer != layer.id:
        raise BadMapping(f"the mapping file is for layer {mapping_file.layer!r}, not {layer.id!r}")
    for name in mapping_file.fields:
        if name not in fields:
            raise UnknownField(f"the mapping names field {name!r}, which layer {layer.id!r} does not have; "
                               f"its importable fields: {', '.join(sorted(fields))}", field=name)
    key = key or mapping_file.key or layer.natural_key
    if key not in fields:
        raise UnknownField(f"--key {key!r} is not a field of layer {layer.id!r}", field=key)
    if not fields[key].unique:
        raise BadKey(f"--key {key!r} cannot identify features of layer {layer.id!r}: it is not unique; "
                     f"unique fields: {', '.join(n for n, f in fields.items() if f.unique)}")

    present = set(columns)
    lower = {c.lower(): c for c in columns}
    sources: dict[str, FieldSource] = {}
    for name, spec in mapping_file.fields.items():
        match = None
        if fields[name].is_relation:
            target = fields[name].related_model
            match = spec.get("match") or "source_id"
            if match not in {f.name for f in target._meta.concrete_fields}:
                raise UnknownField(f"field {name!r} refers to {target.__name__}, which has no field {match!r} "
                                   "to match on", field=name)
        if "multiply" in spec and fields[name].get_internal_type() not in NUMERIC:
            raise BadMapping(f"field {name!r} is not a number; 'multiply' cannot apply to it")
        if "value" in spec:
            sources[name] = FieldSource(name, value=spec["value"], match=match)
            continue
        column = spec["column"]
        if column not in present:
            raise MissingColumn(f"the mapping takes field {name!r} from column {column!r}, which the file "
                                f"does not have; columns: {', '.join(columns)}", field=name, column=column)
        sources[name] = FieldSource(name, column=column, multiply=spec.get("multiply"), match=match)

    defaults = dict(layer.import_mapping)
    if key == "source_id" and "source_id" not in defaults:
        defaults["source_id"] = SOURCE_ID_COLUMNS
    for name, candidates in defaults.items():
        if name in sources:
            continue
        if name == "source_id" and (osm or {"osm_id", "osm_way_id"} <= present):  # GDAL's OSM layers
            sources[name] = FieldSource(name, osm_id=True)
            continue
        found = next((c for c in candidates if c in present), None) or \
            next((lower[c.lower()] for c in candidates if c.lower() in lower), None)
        if found:
            sources[name] = FieldSource(name, column=found)
        elif osm and "other_tags" in present:
            sources[name] = FieldSource(name, tags=tuple(candidates))

    references = [n for n, f in fields.items() if f.is_relation and not f.null and not f.has_default()]
    for name in references:
        if name not in sources:
            target = fields[name].related_model.__name__
            raise MissingColumn(f"layer {layer.id!r} needs field {name!r} (a {target}); map it in a mapping file: "
                                f"fields: {{{name}: {{column: COLUMN, match: name}}}}", field=name)
    for name in (*layer.required_fields, key):
        if name not in sources:
            tried = defaults.get(name, ())
            raise MissingColumn(
                f"layer {layer.id!r} needs field {name!r} but the file has none of the columns "
                f"{', '.join(tried) or name}; map it in a mapping file (fields: {{{name}: COLUMN}})"
                + (" or pass --key" if name == key else ""), field=name)
    return Mapping(layer=layer, key=key, sources=sources)
