"""The in-memory catalog follows every edit: the version moves, the copy is reloaded."""
import pytest

from gis.workflow.catalog import catalog_version, load_catalog, resolve
from gis.workflow.errors import UnknownCategory
from layers.catalog import Category, IncidentType


def test_an_edit_moves_the_version_and_resolve_sees_it(db, django_assert_num_queries):
    load_catalog()
    before = catalog_version()
    cat, _ = resolve("water")
    with django_assert_num_queries(0):  # the caller read the version already: served from memory
        assert resolve("water", version=before)[0] is cat
    Category.objects.filter(code="water").update(active=False)
    assert catalog_version() != before
    with pytest.raises(UnknownCategory):
        resolve("water")
    Category.objects.filter(code="water").update(active=True)
    IncidentType.objects.filter(code="water.leak").update(criticality=5)
    assert resolve("water", "water.leak")[1].effective_criticality == 5


def test_a_rolled_back_edit_never_reuses_a_version(transactional_db):
    load_catalog()
    from django.db import transaction

    seen = {catalog_version()}
    with pytest.raises(RuntimeError), transaction.atomic():
        Category.objects.filter(code="roads").update(name_en="Roads (draft)")
        seen.add(catalog_version())
        assert resolve("roads")[0].name_en == "Roads (draft)"
        raise RuntimeError
    assert catalog_version() in seen  # back to the committed version …
    assert resolve("roads")[0].name_en == "Roads"  # … so the draft copy is not served
    Category.objects.filter(code="roads").update(name_en="Roads, renamed")
    assert catalog_version() not in seen
    assert resolve("roads")[0].name_en == "Roads, renamed"
