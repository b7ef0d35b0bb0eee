"""The import pipeline, one code path for the CLI and the web upload.

    read (GDAL, arrow batches) -> map and type (pandas) -> COPY into a TEMP staging
    table -> validate geometry and fields in SQL (ST_MakeValid, type, city extent,
    keys) -> report -> INSERT … ON CONFLICT … DO UPDATE … WHERE the row differs.

All of it runs in one transaction: a failure, a rejected feature (unless
skip_rejected), a dry run, or a kill -9 leaves the layer exactly as it was. The
layer's guard trigger still sees every written row.
"""
from __future__ import annotations

import io
import tempfile
import time
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable

import numpy as np
import psycopg2
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import shapely
from django.conf import settings
from django.db import DataError, IntegrityError, connections, transaction
from pyproj import Transformer
from tqdm import tqdm

from gis import config

from importers import sql
from importers.convert import convert
from importers.errors import EmptyFile, FeaturesRejected, ReplaceRefused, UnreadableFile
from importers.mapping import Mapping, build_mapping, read_mapping_file
from importers.report import REPORT_COLUMNS, ImportReport
from importers.sources import Source, open_source, osm_ids, osm_tag
from layers.registry import registry

SHOWN_ISSUES = 20


@dataclass
class ImportOptions:
    layer: str
    mapping: str | None = None
    srid: int | None = None
    key: str | None = None
    dry_run: bool = False
    replace: bool = False
    skip_rejected: bool = False
    report: str | None = None  # CSV path; default: next to the input
    source_layer: str | None = None
    where: str | None = None
    batch_size: int = 50_000
    progress: bool = False


class _DryRun(Exception):
    """Raised inside the transaction to roll a finished dry run back."""


def run_import(path: str | Path, options: ImportOptions, *, using: str = "default") -> ImportReport:
    started = time.monotonic()
    layer = registry.get(options.layer)
    mapping_file = read_mapping_file(options.mapping) if options.mapping else None
    source = open_source(
        path, layer.id, layer.geometry_type,
        source_layer=options.source_layer or (mapping_file and mapping_file.source_layer),
        where=options.where or (mapping_file and mapping_file.where), srid=options.srid,
        geometry_required=layer.geometry_required)
    mapping = build_mapping(layer, source.columns, mapping_file=mapping_file, key=options.key, osm=source.osm)
    if options.replace and layer.never_deleted:
        raise ReplaceRefused(f"--replace would delete {layer.id} missing from the file; "
                             f"{layer.id} are never deleted")
    report = ImportReport(layer=layer.id, source=source.name, key=mapping.key, dry_run=options.dry_run)
    report.report_path = str(options.report or Path(str(path) + ".report.csv"))
    connection = connections[using]
    try:
        with transaction.atomic(using=using), connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg2 cursor: COPY
            plan = sql.Plan(layer, mapping, connection)
            raw.execute(sql.DROP_TEMP)  # a test's outer transaction may still hold the last import's
            raw.execute(plan.create_staging())
            mark = time.monotonic()
            report.read = _stage(raw, plan, source, mapping, options)
            report.timings["read and stage"], mark = time.monotonic() - mark, time.monotonic()
            if report.read == 0:
                raise EmptyFile(f"{source.name} contains no features"
                                + (f" matching {source.where!r}" if source.where else ""))
            raw.execute(*plan.check(_city_extent(raw)))
            for statement, params in plan.constraint_checks():
                raw.execute(statement, params)
            report.timings["check"], mark = time.monotonic() - mark, time.monotonic()
            raw.execute(plan.counts())
            report.rejected, report.repaired = raw.fetchone()
            _write_report(raw, plan, report)
            if report.rejected and not options.skip_rejected:
                first = report.issues[0] if report.issues else ("?", "?", "", "")
                raise FeaturesRejected(
                    f"{report.rejected} of {report.read} features rejected, nothing written "
                    f"(first: row {first[0]}: {first[3]}); see {report.report_path}, or pass "
                    "--skip-rejected to import the rest", rejected=report.rejected, report=report.report_path)
            raw.execute(*plan.merge())
            report.inserted, report.updated = raw.fetchone()
            if options.replace:
                raw.execute(plan.delete_missing())
                report.deleted = raw.rowcount
            report.timings["merge"] = time.monotonic() - mark
            report.unchanged = report.read - report.rejected - report.inserted - report.updated
            raw.execute(sql.DROP_TEMP)
            if options.dry_run:
                raise _DryRun
        report.committed = True
    except _DryRun:
        pass
    except (psycopg2.IntegrityError, psycopg2.DataError, IntegrityError, DataError) as exc:
        raise sql.refusal(exc, layer.id) from None
    report.seconds = time.monotonic() - started
    return report


def import_upload(chunks: Iterable[bytes], filename: str, options: ImportOptions, *,
                  report_dir: str | Path | None = None) -> ImportReport:
    """The upload page's entry to the same pipeline: the uploaded bytes (e.g. UploadedFile.chunks())
    go to a private temporary file named only by the client's suffix; the report CSV is kept
    under var/import-reports/ (or report_dir) for the editor to download."""
    suffix = "".join(s for s in Path(filename).suffixes[-2:] if s[1:].isalnum()).lower()
    report_dir = Path(report_dir or config.VAR_DIR / "import-reports")
    report_dir.mkdir(parents=True, exist_ok=True)
    if options.report is None:
        options = replace(options, report=str(report_dir / f"{uuid.uuid4().hex}{suffix}.report.csv"))
    with tempfile.TemporaryDirectory(prefix="qala-upload-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        with open(path, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
        report = run_import(path, options)
    report.source = Path(filename).name
    return report


def _city_extent(cursor) -> tuple[float, float, float, float]:
    """The extent the guard trigger enforces (qala_city), so the report and the trigger agree."""
    cursor.execute("SELECT ST_XMin(extent), ST_YMin(extent), ST_XMax(extent), ST_YMax(extent) "
                   "FROM qala_city WHERE id = 1")
    row = cursor.fetchone()
    return tuple(row) if row else tuple(settings.QALA_CITY["bbox"])


def _stage(cursor, plan: "sql.Plan", source: Source, mapping: Mapping, options: ImportOptions) -> int:
    """Stream the file into the staging table; returns the number of features read."""
    to_wgs84 = None if source.crs.equals("EPSG:4326") else \
        Transformer.from_crs(source.crs, "EPSG:4326", always_xy=True)
    copy = plan.copy_statement()
    total = 0
    with tqdm(total=source.features, unit=" rows", disable=not options.progress, dynamic_ncols=True,
              desc=f"{source.name} -> {mapping.layer.id}") as bar:
        for batch in source.batches(options.batch_size):
            if batch.num_rows == 0:
                continue
            table = _staging_batch(batch, total, source, mapping, to_wgs84)
            buf = io.BytesIO()
            pacsv.write_csv(table, buf, pacsv.WriteOptions(include_header=False))
            buf.seek(0)
            cursor.copy_expert(copy, buf)
            total += batch.num_rows
            bar.update(batch.num_rows)
    if source.features is not None and source.where is None and total != source.features:
        raise UnreadableFile(f"{source.name} could be read only in part ({total} of {source.features} features)")
    return total


def _staging_batch(batch: pa.RecordBatch, offset: int, source: Source, mapping: Mapping,
                   to_wgs84: Transformer | None) -> pa.Table:
    """One arrow batch -> the staging columns: row number, EWKB hex, reason, typed fields."""
    n = batch.num_rows
    geom_column = source.geometry_column
    wkb = batch.column(geom_column).to_numpy(zero_copy_only=False) if geom_column in batch.schema.names \
        else np.full(n, None, dtype=object)
    geoms = shapely.force_2d(shapely.from_wkb(wkb, on_invalid="ignore"))
    if to_wgs84 is not None:
        geoms = shapely.transform(geoms, lambda xy: np.column_stack(to_wgs84.transform(xy[:, 0], xy[:, 1])))
    geoms = shapely.set_srid(geoms, 4326)
    reasons = pd.Series([None] * n, dtype=object)
    columns = {"_n": pa.array(np.arange(offset + 1, offset + n + 1)),
               "_geom": pa.array(shapely.to_wkb(geoms, hex=True, include_srid=True), type=pa.string())}
    fields = {}
    for name, src in mapping.sources.items():
        field = mapping.model_field(name)
        if src.column:
            values = batch.column(src.column)
        elif src.tags:
            other = batch.column("other_tags")
            values = osm_tag(other, src.tags[0])
            for tag in src.tags[1:]:
                values = pa.compute.coalesce(values, osm_tag(other, tag))
        elif src.osm_id:
            values = osm_ids(batch, source.layer)
        else:
            values = pa.array([src.value] * n)
        typed, why = convert(field, values.to_pandas(), multiply=src.multiply)
        fields[f"f_{name}"] = typed
        why = why.where(why.notna(), None)
        reasons = reasons.where(reasons.notna() | why.isna(), why)
    columns["_reason"] = pa.array(reasons.where(reasons.notna(), None), type=pa.string(), from_pandas=True)
    columns.update(fields)
    return pa.table(columns)


def _write_report(cursor, plan: "sql.Plan", report: ImportReport) -> None:
    cursor.execute(plan.issues(limit=SHOWN_ISSUES))
    report.issues = [tuple(r) for r in cursor.fetchall()]
    try:
        with open(report.report_path, "w", encoding="utf-8", newline="") as out:
            out.write(",".join(REPORT_COLUMNS) + "\n")
            cursor.copy_expert(plan.issues_copy(), out)
    except OSError:
        report.report_path = None
