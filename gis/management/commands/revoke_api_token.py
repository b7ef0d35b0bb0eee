"""`qala revoke_api_token PREFIX`: the key stops working on its next request (401)."""
from django.core.management.base import BaseCommand, CommandError

from gis.models import ApiToken


class Command(BaseCommand):
    help = "Revoke an API key by the prefix `issue_api_token` printed (or the admin lists)."

    def add_arguments(self, parser):
        parser.add_argument("prefix", help="the key's first 8 characters")

    def handle(self, prefix, **options):
        tokens = list(ApiToken.objects.filter(prefix=prefix).select_related("organization"))
        if not tokens:
            raise CommandError(f"no API token with prefix {prefix!r}")
        if len(tokens) > 1:
            raise CommandError(f"{len(tokens)} tokens share the prefix {prefix!r}; revoke them in the admin")
        token = tokens[0]
        if not token.active:
            raise CommandError(f"{token} was already revoked at {token.revoked_at or 'an unknown time'}")
        token.revoke()
        self.stdout.write(f"revoked {token} at {token.revoked_at:%Y-%m-%d %H:%M:%S %Z}")
