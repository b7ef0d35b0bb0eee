"""`qala tiles seed` pre-warms the tile cache; `qala tiles export` writes an MBTiles file."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from gis.errors import QalaError
from tiles import mbtiles


class Command(BaseCommand):
    help = "Pre-warm the tile cache (seed) or write an offline MBTiles copy (export)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        seed = sub.add_parser("seed", help="render tiles into the cache")
        seed.add_argument("--bbox", help="lon_min,lat_min,lon_max,lat_max (default: the city)")
        seed.add_argument("--zooms", default="10-16", help="e.g. 14, 10-16 or 10,12,14 (default 10-16)")
        seed.add_argument("--layers", default="basemap", help="comma-separated sources (default basemap)")
        export = sub.add_parser("export", help="write an MBTiles file")
        export.add_argument("--out", required=True, help="the .mbtiles file to write")
        export.add_argument("--bbox", help="lon_min,lat_min,lon_max,lat_max (default: the city)")
        export.add_argument("--zooms", default="10-16")
        export.add_argument("--layer", default="basemap", help="one source (default basemap)")
        prune = sub.add_parser("prune", help="forget old changes and the disk tiles that predate them")
        prune.add_argument("--days", type=float, default=7.0)
        imp = sub.add_parser("import-raster", help="import a georeferenced image (orthophoto) as a COG")
        imp.add_argument("file")
        imp.add_argument("--name", required=True, help="served at /tiles/raster/imagery/NAME/{z}/{x}/{y}.png")

    def handle(self, *args, **opts):
        try:
            if opts["action"] == "import-raster":
                from tiles import imagery

                path = imagery.import_file(opts["file"], opts["name"])
                self.stdout.write(f"imported {opts['file']} as {path}")
                return
            if opts["action"] == "prune":
                self.prune(opts["days"])
                return
            bbox = mbtiles.parse_bbox(opts["bbox"])
            zooms = mbtiles.parse_zooms(opts["zooms"])
            if opts["action"] == "seed":
                counts = mbtiles.seed(opts["layers"].split(","), bbox, zooms)
                self.stdout.write(f"rendered {counts['miss']}, already cached {counts['memory'] + counts['disk']}, "
                                  f"empty {counts['empty']}")
            else:
                n = mbtiles.export(opts["out"], opts["layer"], bbox, zooms)
                self.stdout.write(f"wrote {n} tiles to {opts['out']}")
        except QalaError as exc:
            raise CommandError(exc.message) from None

    def prune(self, days: float) -> None:
        from tiles.cache import cache_root, prune_disk
        from tiles.changes import prune

        if days < 1:
            raise CommandError("--days must be at least 1: running servers read the log continuously")
        files = prune_disk(cache_root(), days)  # before the rows they are checked with
        rows = prune(days)
        self.stdout.write(f"deleted {files} disk tiles and {rows} change rows older than {days:g} days")
