import pytest

from gis.workflow.catalog import load_catalog


@pytest.fixture(autouse=True)
def catalog(request):
    """Open311's services are the catalog's categories: every test here has them."""
    if "live_server" in request.fixturenames or "transactional_db" in request.fixturenames:
        request.getfixturevalue("transactional_db")
    else:
        request.getfixturevalue("db")
    load_catalog()
