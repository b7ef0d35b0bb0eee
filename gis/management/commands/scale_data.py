from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from data.generate import DEFAULT_SEED
from data.scale import FORMATS, write
from gis.errors import QalaError


class Command(BaseCommand):
    help = "Write benchmark appeals (e.g. 1,000,000) inside the demo city to a CSV or GeoPackage file."

    def add_arguments(self, parser):
        parser.add_argument("--appeals", type=int, default=1_000_000)
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)

    def handle(self, appeals, format, out, seed, verbosity, **opts):
        try:
            n = write(appeals, format, out, seed=seed, progress=verbosity > 0)
        except QalaError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{n} appeals written to {out}")
