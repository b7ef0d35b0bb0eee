"""`qala issue-api-token NAME [--channel telegram]`: a key for a bot or app to file appeals."""
from django.core.management.base import BaseCommand, CommandError

from gis.models import CHANNELS, ApiToken


class Command(BaseCommand):
    help = "Issue an Open311 api_key; it is printed once and stored only as a hash."

    def add_arguments(self, parser):
        parser.add_argument("name", help="who holds the key, e.g. 'Telegram bot'")
        parser.add_argument("--channel", default="app", choices=[c for c, _ in CHANNELS])
        parser.add_argument("--user", help="staff username the key acts as (its roles apply to API calls)")

    def handle(self, name, channel, user=None, **options):
        account = None
        if user:
            from django.contrib.auth import get_user_model

            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"no user {user!r}; create it first (qala createsuperuser, qala grant-role)")
        token, key = ApiToken.issue(name, channel, account)
        self.stdout.write(f"api_key for {token.name} ({token.channel}): {key}")
