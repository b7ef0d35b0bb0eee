"""`qala issue_api_token NAME [--channel telegram] [--organization ORG] [--user USER]`: a key for a bot,
an app or an organization's integration; revoke it with `qala revoke_api_token PREFIX`."""
from django.core.management.base import BaseCommand, CommandError

from gis.models import CHANNELS, ApiToken


def find_organization(ref: str):
    """An organization by id or by its exact name (one match only)."""
    from layers.organizations import Organization

    found = list(Organization.objects.filter(pk=int(ref)) if ref.isdigit() else Organization.objects.filter(name=ref)[:2])
    if len(found) != 1:
        raise CommandError(f"{'no' if not found else 'more than one'} organization {ref!r}; give its id")
    return found[0]


class Command(BaseCommand):
    help = "Issue an API key; it is printed once and stored only as a hash."

    def add_arguments(self, parser):
        parser.add_argument("name", help="who holds the key, e.g. 'Telegram bot'")
        parser.add_argument("--channel", default="app", choices=[c for c, _ in CHANNELS])
        parser.add_argument("--user", help="staff username the key acts as (its roles apply to API calls)")
        parser.add_argument("--organization", help="id or exact name of the organization the key is issued to")

    def handle(self, name, channel, user=None, organization=None, **options):
        account = None
        if user:
            from django.contrib.auth import get_user_model

            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"no user {user!r}; create it first (qala createsuperuser, qala grant-role)")
        org = find_organization(organization) if organization else None
        token, key = ApiToken.issue(name, channel, account, org)
        holder = f"{token.name}, {org.name}" if org else token.name
        sep = "-- " if token.prefix.startswith("-") else ""
        self.stdout.write(f"revoke it with: qala revoke_api_token {sep}{token.prefix}")
        self.stdout.write(f"api_key for {holder} ({token.channel}): {key}")  # last: scripts take the last word
