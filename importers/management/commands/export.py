"""`qala export --layer ID --format geojson|gpkg|csv --out FILE`."""
from django.core.management.base import BaseCommand, CommandError

from gis.errors import QalaError
from importers.export import FORMATS, export_layer


class Command(BaseCommand):
    # a data command: it needs the layers and the database, not the URL and admin checks
    requires_system_checks = []
    help = "Export a layer to GeoJSON, GeoPackage or CSV (geometry as WKT)."

    def add_arguments(self, parser):
        parser.add_argument("--layer", required=True)
        parser.add_argument("--format", required=True, choices=sorted(FORMATS))
        parser.add_argument("--out", required=True)
        parser.add_argument("--with-personal", action="store_true",
                            help="include personal fields (caller name, phone …); public fields only otherwise")

    def handle(self, *args, **o):
        try:
            count = export_layer(o["layer"], o["format"], o["out"], with_personal=o["with_personal"])
        except QalaError as exc:
            raise CommandError(exc.message, returncode=2) from None
        self.stdout.write(f"{count} features of {o['layer']} written to {o['out']}")
