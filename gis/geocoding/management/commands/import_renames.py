from django.core.management.base import BaseCommand, CommandError

from gis.geocoding.renames import BadRenamesFile, load_renames


class Command(BaseCommand):
    help = "Load street renamings (CSV: old_name,new_name,renamed_on,note) for the address search."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, file, **opts):
        try:
            created, updated = load_renames(file)
        except BadRenamesFile as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Street renames: {created} added, {updated} updated.")
