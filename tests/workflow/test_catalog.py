"""The catalog loads from its data file, idempotently, and refuses a bad file whole."""
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gis.workflow.catalog import DEFAULT_PATH, load_catalog, resolve
from gis.workflow.errors import BadCatalog, UnknownCategory
from layers.catalog import Category, IncidentType, routing_steps

HEADER = "code,category,name_ru,name_kk,name_en,deadline,criticality,urgent,network_kind,routing\n"


def write(tmp_path, body):
    path = tmp_path / "catalog.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_the_shipped_catalog_holds_the_product_categories(db):
    report = load_catalog()
    assert report.created == Category.objects.count() + IncidentType.objects.count()
    codes = set(Category.objects.values_list("code", flat=True))
    assert {"heating", "water", "sewerage", "power", "housing", "roads", "transport", "lighting", "waste",
            "improvement", "trees", "public_order", "medicine", "social"} <= codes
    for cat in Category.objects.all():
        assert cat.name_ru and cat.name_kk and cat.name_en
        routing_steps(cat.routing)
    manhole = IncidentType.objects.get(code="roads.open_manhole")
    assert manhole.is_urgent and manhole.effective_deadline == "reference"
    assert IncidentType.objects.get(code="water.leak").effective_deadline == "law"  # from its category


def test_loading_twice_changes_nothing(db):
    load_catalog()
    before = list(Category.objects.order_by("id").values())
    again = load_catalog()
    assert again.created == again.updated == 0
    assert again.unchanged == Category.objects.count() + IncidentType.objects.count()
    assert list(Category.objects.order_by("id").values()) == before


def test_an_edit_in_the_file_updates_in_place(db, tmp_path):
    load_catalog(write(tmp_path, "roads,,Дороги,Жолдар,Roads,law,3,no,,roadway:30 district\n"))
    pk = Category.objects.get(code="roads").pk
    report = load_catalog(write(tmp_path, "roads,,Дороги,Жолдар,Roads,site_visit,4,no,,roadway:30 district\n"))
    assert report.updated == 1
    roads = Category.objects.get(code="roads")
    assert (roads.pk, roads.deadline, roads.criticality) == (pk, "site_visit", 4)


@pytest.mark.parametrize("row, message", [
    ("roads,,Дороги,,Roads,law,3,no,,district\n", "column name_kk"),
    ("roads,,Дороги,Жолдар,Roads,forever,3,no,,district\n", "column deadline"),
    ("roads,,Дороги,Жолдар,Roads,law,9,no,,district\n", "column criticality"),
    ("roads,,Дороги,Жолдар,Roads,law,3,no,,roadway district\n", "needs a radius"),
    ("roads,,Дороги,Жолдар,Roads,law,3,no,,teleport\n", "unknown routing step"),
    ("roads,,Дороги,Жолдар,Roads,law,3,no,,district\nroads.x,nope,a,b,c,,,no,,\n", "unknown category 'nope'"),
])
def test_a_bad_file_is_refused_whole_naming_the_line(db, tmp_path, row, message):
    with pytest.raises(BadCatalog, match=message):
        load_catalog(write(tmp_path, "water,,Вода,Су,Water,law,3,no,water,district\n" + row))
    assert not Category.objects.exists()


def test_command_reports_and_fails_in_one_line(db, tmp_path, capsys):
    call_command("load_catalog", str(DEFAULT_PATH))
    assert "created" in capsys.readouterr().out
    with pytest.raises(CommandError, match="line 2, column deadline"):
        call_command("load_catalog", str(write(tmp_path, "x,,a,b,c,soon,1,no,,district\n")))


def test_resolve_refuses_unknown_and_retired_codes(db):
    load_catalog()
    cat, it = resolve("sewerage", "sewerage.open_manhole")
    assert (cat.code, it.code) == ("sewerage", "sewerage.open_manhole")
    with pytest.raises(UnknownCategory, match="unknown category 'weather'"):
        resolve("weather")
    with pytest.raises(UnknownCategory, match="in category 'water'"):
        resolve("water", "roads.pothole")
    Category.objects.filter(code="medicine").update(active=False)
    with pytest.raises(UnknownCategory):
        resolve("medicine")
