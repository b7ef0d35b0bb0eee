"""Importer tests: real files, the real PostGIS, and the stored WKT read back."""
from pathlib import Path

import pytest
from django.db import connection

from importers.pipeline import ImportOptions, run_import
from layers.registry import registry

DATA = Path(__file__).resolve().parent.parent / "data" / "importers"


@pytest.fixture
def data_dir():
    return DATA


@pytest.fixture
def city(settings):
    """Move the city (settings and the guard's qala_city row) to another extent for a test."""
    def move(bbox):
        settings.QALA_CITY = {**settings.QALA_CITY, "bbox": tuple(bbox)}
        with connection.cursor() as cur:
            cur.execute("UPDATE qala_city SET extent = ST_MakeEnvelope(%s, %s, %s, %s, 4326) WHERE id = 1", list(bbox))
    return move


@pytest.fixture
def load(tmp_path):
    """run_import with the report written under tmp_path."""
    def run(path, layer, **kw):
        kw.setdefault("report", str(tmp_path / f"{Path(path).name}.report.csv"))
        return run_import(path, ImportOptions(layer=layer, batch_size=kw.pop("batch_size", 1000), **kw))
    return run


def stored(layer_id, *fields, key=None, precision=7):
    """[(field values…, WKT)] of a layer, ordered by the key; WKT with at most `precision` decimals."""
    layer = registry.get(layer_id)
    key = key or layer.natural_key
    cols = ", ".join(f'"{layer.model._meta.get_field(f).column}"' for f in (key, *fields))
    with connection.cursor() as cur:
        cur.execute(f'SELECT {cols}, ST_AsText(geom, %s) FROM "{layer.table}" ORDER BY 1',
                    [precision])
        return cur.fetchall()


def state(layer_id):
    """Everything in a layer, to compare before and after a failed import."""
    layer = registry.get(layer_id)
    with connection.cursor() as cur:
        cur.execute(f'SELECT t::text FROM "{layer.table}" t ORDER BY id')
        return cur.fetchall()
