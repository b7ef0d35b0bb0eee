import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from gis import config
from gis.backup import BackupError, backup


class Command(BaseCommand):
    help = "Dump the whole city (layers, appeal history, outbox, users) with pg_dump."

    def add_arguments(self, parser):
        parser.add_argument("--out", help="Backup file (default var/backups/qala-<time>.dump)")

    def handle(self, out=None, **opts):
        out = out or config.VAR_DIR / "backups" / f"qala-{dt.datetime.now():%Y%m%d-%H%M%S}.dump"
        try:
            path = backup(out)
        except BackupError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Backup written: {path} ({path.stat().st_size:,} bytes)")
