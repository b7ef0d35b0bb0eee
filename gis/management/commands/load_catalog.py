from django.core.management.base import BaseCommand, CommandError

from gis.workflow.catalog import DEFAULT_PATH, load_catalog
from gis.workflow.errors import BadCatalog


class Command(BaseCommand):
    help = "Load appeal categories and incident types from a CSV file (idempotent; never deletes)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH))

    def handle(self, path, **opts):
        try:
            report = load_catalog(path)
        except (BadCatalog, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"catalog: {report.created} created, {report.updated} updated, "
                          f"{report.unchanged} unchanged")
