"""`qala import FILE --layer ID`: load a GIS file into a layer (see importers.pipeline)."""
from django.core.management.base import BaseCommand, CommandError

from gis.errors import QalaError
from importers.pipeline import ImportOptions, run_import


class Command(BaseCommand):
    # a data command: it needs the layers and the database, not the URL and admin checks
    requires_system_checks = []
    help = "Import a GeoJSON, GeoPackage, zipped Shapefile, CSV, KML or OSM file into a layer, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--layer", required=True, help="layer id, e.g. buildings, appeals")
        parser.add_argument("--mapping", help="YAML file mapping layer fields to source columns")
        parser.add_argument("--srid", type=int, help="EPSG code of the file's coordinates when it does not say")
        parser.add_argument("--key", help="layer field that identifies a feature (default: the registry's)")
        parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
        parser.add_argument("--replace", action="store_true", help="delete the layer's features not in the file")
        parser.add_argument("--skip-rejected", action="store_true",
                            help="import the valid features even if some are rejected")
        parser.add_argument("--report", help="where to write the CSV report (default: FILE.report.csv)")
        parser.add_argument("--source-layer", help="layer of a multi-layer file (GeoPackage, OSM)")
        parser.add_argument("--where", help="OGR SQL filter on the source's attributes")
        parser.add_argument("--batch-size", type=int, default=50_000)

    def handle(self, *args, **o):
        options = ImportOptions(
            layer=o["layer"], mapping=o["mapping"], srid=o["srid"], key=o["key"], dry_run=o["dry_run"],
            replace=o["replace"], skip_rejected=o["skip_rejected"], report=o["report"],
            source_layer=o["source_layer"], where=o["where"], batch_size=o["batch_size"],
            progress=o["verbosity"] > 0)
        try:
            report = run_import(o["file"], options)
        except QalaError as exc:
            raise CommandError(exc.message, returncode=2) from None
        self.stdout.write(report.summary())
