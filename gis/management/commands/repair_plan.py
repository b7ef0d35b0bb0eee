from datetime import date

from django.core.management.base import BaseCommand, CommandError

from gis.errors import QalaError
from gis.hotspots.repair_plan import repair_plan, write_csv, write_map


class Command(BaseCommand):
    help = ("Next year's repair plan: heating segments that are accident hot spots and houses with many "
            "'cold in the flat' complaints over the last 3 years, as CSV and an offline HTML map.")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Plan year, e.g. 2027")
        parser.add_argument("--out", default=None, help="CSV file (default repair-plan-<year>.csv)")
        parser.add_argument("--map", default=None, help="HTML report map")
        parser.add_argument("--until", type=date.fromisoformat, default=None,
                            help="Last day of the 3-year look-back, exclusive (default 1 January of --year), "
                                 "e.g. the end of the heating season")
        parser.add_argument("--min-cold", type=int, default=3, help="Complaints for a house to enter the plan")
        parser.add_argument("--tiles", default=None, metavar="URL",
                            help="A raster tile URL template for a base map, e.g. our own orthophoto "
                                 "(default: none; the report opens offline)")

    def handle(self, year, out=None, map=None, min_cold=3, tiles=None, until=None, **opts):
        try:
            rows = repair_plan(year, min_cold=min_cold, until=until)
        except QalaError as exc:
            raise CommandError(exc.message) from exc
        path = write_csv(rows, out or f"repair-plan-{year}.csv")
        self.stdout.write(f"{len(rows)} rows written to {path}")
        if map:
            write_map(rows, map, year, tiles=tiles)
            self.stdout.write(f"map written to {map}")
