"""`qala issue-api-token NAME [--channel telegram]`: a key for a bot or app to file appeals."""
from django.core.management.base import BaseCommand

from gis.models import CHANNELS, ApiToken


class Command(BaseCommand):
    help = "Issue an Open311 api_key; it is printed once and stored only as a hash."

    def add_arguments(self, parser):
        parser.add_argument("name", help="who holds the key, e.g. 'Telegram bot'")
        parser.add_argument("--channel", default="app", choices=[c for c, _ in CHANNELS])

    def handle(self, name, channel, **options):
        token, key = ApiToken.issue(name, channel)
        self.stdout.write(f"api_key for {token.name} ({token.channel}): {key}")
