"""API tokens per organization, revocable: from the command line and the admin; a revoked
token is refused on its next request, and Open311 keeps filing under the key's channel."""
import re
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client

from gis.models import ApiToken
from layers.organizations import Organization

URL = "/ogc/collections/appeals/items"


def issue(*args) -> tuple[ApiToken, str]:
    out = StringIO()
    call_command("issue_api_token", *args, stdout=out)
    key = re.search(r"api_key for .*: (\S+)", out.getvalue()).group(1)
    return ApiToken.objects.get(prefix=key[:8], active=True), key


@pytest.fixture
def utility(db):
    return Organization.objects.create(name="Горводоканал", kind="utility")


@pytest.fixture
def operator(django_user_model, db):
    user = django_user_model.objects.create_user("integration")
    user.groups.add(Group.objects.get_or_create(name="operator")[0])
    return user


def test_a_token_is_issued_to_an_organization_and_revoked_by_prefix(utility, operator):
    token, key = issue("Горводоканал dispatch", "--organization", "Горводоканал", "--user", "integration")
    assert token.organization == utility and token.user == operator and token.revoked_at is None
    assert issue("by id", "--organization", str(utility.pk))[0].organization == utility
    client = Client()
    assert client.get(URL, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    out = StringIO()
    call_command("revoke_api_token", "--", token.prefix, stdout=out)
    token.refresh_from_db()
    assert not token.active and token.revoked_at is not None
    refused = client.get(URL, HTTP_AUTHORIZATION=f"Token {key}")
    assert refused.status_code == 401 and refused["Content-Type"] == "application/problem+json"
    with pytest.raises(CommandError, match="already revoked"):
        call_command("revoke_api_token", "--", token.prefix)
    with pytest.raises(CommandError, match="no API token"):
        call_command("revoke_api_token", "nosuchpx")
    with pytest.raises(CommandError, match="organization"):
        issue("nobody's", "--organization", "No such utility")


def test_the_admin_shows_the_organization_and_revokes(client, utility, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root"))
    token, key = ApiToken.issue("KSK bot", "telegram", organization=utility)
    listing = client.get("/admin/qala/apitoken/")
    assert listing.status_code == 200 and "Горводоканал" in listing.content.decode()
    response = client.post("/admin/qala/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    token.refresh_from_db()
    assert not token.active and token.revoked_at is not None
    assert ApiToken.authenticate(key) is None


def test_open311_files_under_the_organizations_key_until_revoked(client, utility):
    from gis.workflow.catalog import load_catalog
    from layers.appeals import Appeal

    load_catalog()
    token, key = ApiToken.issue("KSK bot", "telegram", organization=utility)
    post = {"api_key": key, "service_code": "water", "lat": "54.8712", "long": "69.1432", "description": "нет воды"}
    filed = client.post("/open311/v2/requests.json", post)
    assert filed.status_code == 201, filed.content
    assert Appeal.objects.get(number=filed.json()[0]["service_request_id"]).channel == "telegram"
    token.revoke()
    assert client.post("/open311/v2/requests.json", post).status_code == 403
