"""Opening a user's file with GDAL (through pyogrio) and streaming it in batches.

Knows the formats' quirks so the pipeline does not: zipped Shapefiles, CSV with
WKT or lon/lat columns, KML, and OpenStreetMap extracts, whose tags GDAL's OSM
driver leaves in an hstore-like `other_tags` column unless an osmconf says otherwise.
"""
from __future__ import annotations

import csv
import gzip
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError, FieldError, GeometryError
from pyproj import CRS
from pyproj.exceptions import CRSError

from gis import config
from importers.errors import ArchiveRefused, ArchiveTooLarge, EmptyFile, UnknownCRS, UnreadableFile, WrongGeometryType
from layers.registry import registry

GDAL_ERRORS = (DataSourceError, DataLayerError, FieldError, GeometryError, RuntimeError, OSError)
CSV_OPTIONS = {
    "X_POSSIBLE_NAMES": "lon,longitude,lng,x,Longitude,LON",
    "Y_POSSIBLE_NAMES": "lat,latitude,y,Latitude,LAT",
    "GEOM_POSSIBLE_NAMES": "wkt,geom,geometry,the_geom,WKT",
    "KEEP_GEOM_COLUMNS": "NO",
}
READABLE_IN_ZIP = (".shp", ".geojson", ".json", ".gpkg", ".kml", ".csv", ".fgb")
OSM_SUFFIXES = (".osm", ".pbf")
# OSM driver layer for each geometry type, and the filter that picks a layer's features.
OSM_LAYER = {"Point": "points", "LineString": "lines", "MultiLineString": "lines", "MultiPolygon": "multipolygons"}
OSM_ELEMENT = {"points": "node", "lines": "way", "multilinestrings": "relation", "other_relations": "relation"}
FAMILIES = {"Point": "Point", "MultiPoint": "Point", "LineString": "LineString",
            "MultiLineString": "LineString", "Polygon": "Polygon", "MultiPolygon": "Polygon"}


def geometry_family(name: str | None) -> str | None:
    """'3D MultiPolygon' -> 'Polygon'; None for Unknown/GeometryCollection (checked per feature)."""
    if not name:
        return None
    base = name.replace("3D ", "").replace(" Z", "").replace(" M", "").replace("ZM", "").strip()
    return FAMILIES.get(base)


@dataclass
class Source:
    path: str  # what GDAL opens (may be /vsizip/…)
    name: str  # what the user gave, for messages
    layer: str | None
    driver: str
    crs: CRS
    geometry_type: str | None
    columns: list[str]
    features: int | None  # None when the driver cannot count without reading
    options: dict = field(default_factory=dict)
    where: str | None = None
    osm: bool = False
    geometry_column: str = "wkb_geometry"

    def batches(self, batch_size: int) -> Iterator[pa.RecordBatch]:
        """Arrow batches of at most batch_size features; GDAL errors become UnreadableFile."""
        try:
            with pyogrio.open_arrow(self.path, layer=self.layer, where=self.where, batch_size=batch_size,
                                    use_pyarrow=True, **self.options) as (meta, reader):
                self.geometry_column = meta.get("geometry_name") or "wkb_geometry"
                for batch in reader:
                    yield batch
        except GDAL_ERRORS as exc:
            raise UnreadableFile(f"{self.name} could not be read: {_gdal_message(exc)}") from None


def _gdal_message(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def gdal_path(path: Path) -> str:
    """The path GDAL should open: archives and compressed files through its virtual file systems."""
    suffix = path.suffix.lower()
    if suffix == ".zip":
        try:
            with zipfile.ZipFile(path) as zf:
                check_zip(path, zf.infolist())
                names = [n for n in zf.namelist() if n.lower().endswith(READABLE_IN_ZIP)]
        except zipfile.BadZipFile:
            raise UnreadableFile(f"{path.name} is not a valid zip archive") from None
        if not names:
            raise EmptyFile(f"{path.name} holds no readable file (looked for {', '.join(READABLE_IN_ZIP)})")
        return f"/vsizip/{path.resolve()}/{names[0]}"
    if suffix == ".gz":
        check_gzip(path)
        return f"/vsigzip/{path.resolve()}"
    return str(path)


# An archive may unpack to at most this much, and a big member may not be packed tighter than
# this ratio: real GIS files pack 5-20 times, a zip bomb about a thousand times.
SMALL_MEMBER = 16 << 20


def _limits() -> tuple[int, int]:
    return config.IMPORT_MAX_UNPACKED_MB << 20, config.IMPORT_MAX_RATIO


def check_zip(path: Path, members: list[zipfile.ZipInfo]) -> None:
    """Refuse zip bombs (too big or too tightly packed once unpacked, too many members) and
    members whose names climb out of the archive or are links, before GDAL reads a byte."""
    max_bytes, max_ratio = _limits()
    if len(members) > 10_000:
        raise ArchiveRefused(f"{path.name} holds {len(members)} members; at most 10000 are read")
    total = 0
    for m in members:
        parts = m.filename.replace("\\", "/").split("/")
        if m.filename.startswith(("/", "\\")) or ".." in parts or re.match(r"^[A-Za-z]:", m.filename):
            raise ArchiveRefused(f"{path.name}: member {m.filename[:80]!r} points outside the archive")
        if (m.external_attr >> 16) & 0o170000 == 0o120000:
            raise ArchiveRefused(f"{path.name}: member {m.filename[:80]!r} is a symbolic link")
        total += m.file_size
        if m.file_size > SMALL_MEMBER and m.file_size > max(m.compress_size, 1) * max_ratio:
            ratio = m.file_size // max(m.compress_size, 1)
            raise ArchiveTooLarge(f"{path.name}: member {m.filename[:80]!r} unpacks {ratio} times its packed "
                                  f"size (at most {max_ratio}); it looks like a zip bomb")
    if total > max_bytes:
        raise ArchiveTooLarge(f"{path.name} unpacks to {total >> 20} MB; at most {max_bytes >> 20} MB "
                             "(QALA_IMPORT_MAX_UNPACKED_MB)")


def check_gzip(path: Path) -> None:
    """A gzip file carries no trustworthy size, so count while unpacking, and stop at the limit."""
    max_bytes, max_ratio = _limits()
    allowed = min(max_bytes, max(SMALL_MEMBER, path.stat().st_size * max_ratio))
    total = 0
    try:
        with gzip.open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                total += len(chunk)
                if total > allowed:
                    raise ArchiveTooLarge(f"{path.name} unpacks to more than {allowed >> 20} MB "
                                         f"({max_ratio} times its size, at most {max_bytes >> 20} MB); "
                                         "it looks like a gzip bomb")
    except (OSError, EOFError, zlib.error) as exc:
        raise UnreadableFile(f"{path.name} is not a valid gzip file ({_gdal_message(exc)[:80]})") from None


def open_source(path: str | Path, layer_id: str, target_type: str, *, source_layer: str | None = None,
                where: str | None = None, srid: int | None = None, geometry_required: bool = True) -> Source:
    """Open the file, choose its layer, and settle its CRS; refuse it early if it cannot fit."""
    path = Path(path)
    if not path.is_file():
        raise UnreadableFile(f"no such file: {path}")
    if path.stat().st_size == 0:
        raise EmptyFile(f"{path.name} is empty (0 bytes)")
    gpath = gdal_path(path)
    lowered = path.name.lower().removesuffix(".gz")
    osm = lowered.endswith(OSM_SUFFIXES)
    options = dict(CSV_OPTIONS) if lowered.endswith(".csv") else {}
    if lowered.endswith(".csv") and gpath == str(path):
        check_csv_quotes(path)
    if osm:
        # real extracts list nodes out of id order; GDAL's fast index then stops early, silently
        pyogrio.set_gdal_config_options({"OSM_USE_CUSTOM_INDEXING": "NO"})
    try:
        layers = pyogrio.list_layers(gpath)
    except GDAL_ERRORS as exc:
        raise UnreadableFile(f"{path.name} could not be opened: it is damaged, truncated or not a format "
                             f"GDAL reads ({_gdal_message(exc)[:120]})") from None
    if len(layers) == 0:
        raise EmptyFile(f"{path.name} holds no layers")
    names = [str(n) for n, _ in layers]
    if osm:
        osm_source = registry.get(layer_id).osm
        default_layer, default_where = ((osm_source.layer, osm_source.where) if osm_source
                                        else (OSM_LAYER.get(target_type), None))
        source_layer = source_layer or default_layer
        where = where if where is not None else default_where
    if source_layer is None:
        wanted = geometry_family(target_type)
        source_layer = next((str(n) for n, t in layers if geometry_family(t) == wanted), names[0])
    if source_layer not in names:
        raise UnreadableFile(f"{path.name} has no layer {source_layer!r}; its layers: {', '.join(names)}")
    try:
        info = pyogrio.read_info(gpath, layer=source_layer, force_feature_count=not osm, **options)
    except GDAL_ERRORS as exc:
        raise UnreadableFile(f"{path.name} could not be read: {_gdal_message(exc)}") from None
    features = info["features"] if info["features"] >= 0 else None
    if features == 0:
        raise EmptyFile(f"{path.name} contains no features")
    family, wanted = geometry_family(info["geometry_type"]), geometry_family(target_type)
    if info["geometry_type"] is None:
        if geometry_required:
            raise WrongGeometryType(f"{path.name} has no geometry; layer {layer_id!r} needs {target_type}")
        return Source(path=gpath, name=path.name, layer=source_layer, driver=info["driver"],
                      crs=CRS.from_epsg(4326), geometry_type=None, columns=[str(c) for c in info["fields"]],
                      features=features, options=options, where=where, osm=osm)
    if family is not None and family != wanted:
        raise WrongGeometryType(f"{path.name} holds {info['geometry_type']} features; "
                                f"layer {layer_id!r} needs {target_type}")
    crs = resolve_crs(info["crs"], srid, driver=info["driver"], name=path.name)
    return Source(path=gpath, name=path.name, layer=source_layer, driver=info["driver"], crs=crs,
                  geometry_type=info["geometry_type"], columns=[str(c) for c in info["fields"]],
                  features=features, options=options, where=where, osm=osm)


def check_csv_quotes(path: Path) -> None:
    """A quoted field that is never closed makes GDAL drop every row after it without a word;
    an odd number of quote characters gives it away (escaped quotes come in pairs)."""
    quotes = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            quotes += chunk.count(b'"')
    if quotes % 2 == 0:
        return
    start = 1
    with open(path, newline="", encoding="utf-8", errors="replace") as f:
        reader = csv.reader(f, strict=True)
        try:
            for _ in reader:
                start = reader.line_num + 1
        except csv.Error:
            pass
    raise UnreadableFile(f"{path.name}: the quoted field opened on line {start} is never closed; "
                         "every row after it would be lost")


def resolve_crs(declared: str | None, srid: int | None, *, driver: str, name: str) -> CRS:
    """The source CRS: --srid wins, then the file's; a CSV without either is taken as lon/lat WGS84
    (CSV carries no CRS, and the city-extent check catches a wrong guess row by row)."""
    try:
        if srid is not None:
            crs = CRS.from_epsg(srid)
        elif declared:
            crs = CRS.from_user_input(declared)
        elif driver == "CSV":
            crs = CRS.from_epsg(4326)
        else:
            raise UnknownCRS(f"{name} does not say which coordinate reference system it uses; "
                             "pass --srid (e.g. --srid 4326 for lon/lat, 32642 for UTM 42N)")
    except CRSError:
        which = f"EPSG:{srid}" if srid is not None else f"the file's CRS ({declared[:60]!r})"
        raise UnknownCRS(f"{which} is not a coordinate reference system this server knows") from None
    if crs.is_engineering or not (crs.is_geographic or crs.is_projected):
        raise UnknownCRS(f"{name} uses a local CRS ({crs.name}) that cannot be placed on the earth; "
                         "pass --srid with the real EPSG code")
    return crs


def osm_tag(other_tags: pa.Array, key: str) -> pa.Array:
    """One tag's values out of GDAL's `other_tags` ("k"=>"v","k2"=>"v2"); null where absent."""
    pattern = '"' + re.escape(key) + '"=>"(?P<v>(?:[^"\\\\]|\\\\.)*)"'
    found = pc.extract_regex(pc.fill_null(other_tags.cast(pa.string()), ""), pattern=pattern)
    values = pc.replace_substring(pc.struct_field(found, [0]), '\\"', '"')
    return pc.if_else(pc.is_valid(found), values, pa.scalar(None, pa.string()))


def osm_ids(batch: pa.RecordBatch, source_layer: str) -> pa.Array:
    """'way/123', 'relation/45', 'node/6': the OSM element a feature came from."""
    if source_layer == "multipolygons":
        way = batch.column("osm_way_id").cast(pa.string())
        rel = batch.column("osm_id").cast(pa.string())
        return pc.coalesce(pc.binary_join_element_wise("way/", way, ""),
                           pc.binary_join_element_wise("relation/", rel, ""))
    element = OSM_ELEMENT.get(source_layer, "element")
    return pc.binary_join_element_wise(f"{element}/", batch.column("osm_id").cast(pa.string()), "")
