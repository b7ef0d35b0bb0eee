from django.core.management.base import BaseCommand, CommandError

from data.checksums import checksums as layer_checksums
from data.city import SCALES
from data.generate import DEFAULT_SEED
from data.load import load_demo_city
from gis.errors import QalaError


class Command(BaseCommand):
    help = "Load the Petropavl demo city once (a second run does nothing unless --force)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--scale", choices=sorted(SCALES), default="full")
        parser.add_argument("--force", action="store_true", help="Replace the demo rows (other rows are kept).")
        parser.add_argument("--checksums", action="store_true", help="Print count and md5 of each demo layer.")

    def handle(self, seed, scale, force, checksums, verbosity, **opts):
        try:
            result = load_demo_city(seed=seed, scale=scale, force=force, progress=verbosity > 0)
        except QalaError as exc:
            raise CommandError(exc.message) from exc
        if result.loaded:
            total = sum(result.counts.values())
            self.stdout.write(f"Demo city loaded (seed {seed}, {scale}): {total} rows in {result.seconds:.1f} s")
            for layer, n in result.counts.items():
                self.stdout.write(f"  {layer:18} {n:>8}")
        else:
            self.stdout.write(f"Demo city already loaded (seed {result.seed}, {result.scale}); --force replaces it.")
        if checksums:
            for layer, (count, md5) in layer_checksums().items():
                self.stdout.write(f"{layer:18} {count:>8} {md5}")

