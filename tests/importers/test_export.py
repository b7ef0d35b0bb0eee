"""`qala export`: every format readable back by GDAL, personal fields only on request."""
import io

import pyogrio
import pytest
from django.core.management import CommandError, call_command

from tests.importers.test_upsert import ROWS, appeals_csv

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv"])
def test_export_keeps_personal_fields_out_unless_asked(load, tmp_path, fmt):
    load(appeals_csv(tmp_path, ROWS), "appeals")
    public, personal = tmp_path / f"public.{fmt}", tmp_path / f"personal.{fmt}"
    call_command("export", layer="appeals", format=fmt, out=str(public), stdout=io.StringIO())
    call_command("export", layer="appeals", format=fmt, out=str(personal), with_personal=True,
                 stdout=io.StringIO())
    options = {"GEOM_POSSIBLE_NAMES": "WKT", "KEEP_GEOM_COLUMNS": "NO"} if fmt == "csv" else {}
    shown = pyogrio.read_dataframe(public, **options)
    assert list(shown["number"]) == ["109-1", "109-2", "109-3"]
    assert "description" not in shown.columns and "caller_phone" not in shown.columns
    assert shown.geometry.iloc[0].wkt == "POINT (69.15 54.87)"
    full = pyogrio.read_dataframe(personal, **options)
    assert list(full["description"]) == ["cold flat", "no water", "pothole"]


def test_export_of_an_empty_layer_and_an_unknown_layer(tmp_path):
    out = tmp_path / "none.gpkg"
    call_command("export", layer="wells", format="gpkg", out=str(out), stdout=io.StringIO())
    assert len(pyogrio.read_dataframe(out)) == 0
    with pytest.raises(CommandError, match="unknown layer 'sewers'"):
        call_command("export", layer="sewers", format="gpkg", out=str(out))
