import os
import shutil
import sys

from django.core.management.base import BaseCommand, CommandError

from gis import config


class Command(BaseCommand):
    help = "Serve Qala with gunicorn (several worker processes); static files through whitenoise."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=f"{config.HOST}:{config.PORT}")
        parser.add_argument("--workers", type=int, default=config.WORKERS)

    def handle(self, bind, workers, **opts):
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which("gunicorn")
        if not gunicorn:
            raise CommandError("gunicorn is not installed in this environment; run `make run`.")
        if workers < 1:
            raise CommandError("--workers must be at least 1.")
        self.stdout.write(f"Serving on http://{bind}/ with {workers} workers.")
        sys.stdout.flush()
        os.execv(gunicorn, [
            gunicorn, "gis.wsgi:application", "--bind", bind, "--workers", str(workers),
            "--worker-class", "gthread", "--threads", "4", "--timeout", "60", "--graceful-timeout", "20",
            # no access log: gis.jsonlog writes one JSON line per request (without query strings)
            "--error-logfile", "-",
        ])
