from django.core.management.base import BaseCommand, CommandError

from gis.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup made by `qala backup` (one transaction: all of it or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--database-name", help="Restore into this (existing, empty) database instead.")
        parser.add_argument("--replace", action="store_true", help="Drop what the database holds first.")

    def handle(self, file, database_name=None, replace=False, **opts):
        try:
            restore(file, dbname=database_name, replace=replace)
        except BackupError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Restored {file}.")
