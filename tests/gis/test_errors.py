"""A user error that reaches the top of a view is a problem document, not a 500."""
import pytest
from django.urls import path

from gis.errors import OutsideCity


def raising_view(request):
    raise OutsideCity("(37.6, 55.75) is outside the city.", lon=37.6, lat=55.75)


urlpatterns = [path("boom", raising_view)]


@pytest.mark.urls("tests.gis.test_errors")
def test_problem_middleware_turns_user_errors_into_problem_documents(client):
    resp = client.get("/boom")
    assert resp.status_code == 400
    assert resp["Content-Type"] == "application/problem+json"
    body = resp.json()
    assert body["type"] == "urn:qala:error:outside-city"
    assert body["detail"] == "(37.6, 55.75) is outside the city." and body["lon"] == 37.6


def test_the_cli_prints_a_users_error_as_its_message(monkeypatch, capsys):
    """Any QalaError a command lets escape reaches the user as one line and exit 1, not a traceback."""
    import django.core.management

    from gis import cli
    from gis.errors import OutsideCity

    def fails(argv):
        raise OutsideCity("the point 37.6, 55.8 is outside the city")

    monkeypatch.setattr(django.core.management, "execute_from_command_line", fails)
    assert cli.main(["qala", "db"]) == 1
    assert capsys.readouterr().err == "qala db: the point 37.6, 55.8 is outside the city\n"
