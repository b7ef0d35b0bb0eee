"""Export a layer to GeoJSON, GeoPackage or CSV (WKT), streamed in chunks through a
server-side cursor so a large layer never sits in memory whole.

Columns are named by the layer's field names, which the importer maps back by
default: an exported file re-imports into the same layer unchanged.
"""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from django.db import connections, transaction

from importers.errors import ImportFailed
from layers.registry import registry

FORMATS = {
    "geojson": ("GeoJSON", {}),
    "gpkg": ("GPKG", {}),
    "csv": ("CSV", {"GEOMETRY": "AS_WKT"}),
}
CHUNK = 50_000


class UnknownFormat(ImportFailed):
    code = "unknown-format"


def export_columns(layer, with_personal: bool) -> list[tuple[str, str]]:
    """(db column, output name): the key, source_id, public (and maybe personal) fields."""
    names = [layer.natural_key, "source_id", *layer.public_fields]
    if with_personal:
        names += layer.personal_fields
    out, seen = [], set()
    for name in names:
        if name in seen:
            continue
        seen.add(name)
        f = layer.model._meta.get_field(name)
        out.append((f.column, f.column if f.is_relation else f.name))
    return out


def export_layer(layer_id: str, fmt: str, out: str | Path, *, with_personal: bool = False,
                 using: str = "default") -> int:
    layer = registry.get(layer_id)
    if fmt not in FORMATS:
        raise UnknownFormat(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    driver, layer_options = FORMATS[fmt]
    out = Path(out)
    if out.exists():
        out.unlink()
    columns = export_columns(layer, with_personal)
    select = ", ".join(f't."{c}" AS "{name}"' for c, name in columns)
    query = (f'SELECT {select}, ST_AsBinary(t."{layer.geometry_field}") AS _wkb '
             f'FROM "{layer.table}" t ORDER BY t.id')
    count = 0
    with transaction.atomic(using=using):
        with connections[using].connection.cursor(name="qala_export") as cursor:
            cursor.itersize = CHUNK
            cursor.execute(query)
            while True:
                rows = cursor.fetchmany(CHUNK)
                if not rows and count:
                    break
                frame = pd.DataFrame(rows, columns=[name for _, name in columns] + ["_wkb"])
                geometry = shapely.from_wkb(frame.pop("_wkb").map(lambda b: bytes(b) if b is not None else None))
                gdf = gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")
                for name in gdf.columns:
                    if isinstance(gdf[name].dtype, pd.DatetimeTZDtype):
                        gdf[name] = gdf[name].dt.tz_convert("UTC")
                pyogrio.write_dataframe(gdf, out, driver=driver, layer=layer.id, append=count > 0,
                                        layer_options=layer_options or None,
                                        promote_to_multi=layer.geometry_type.startswith("Multi"))
                count += len(rows)
                if len(rows) < CHUNK:
                    break
    return count
