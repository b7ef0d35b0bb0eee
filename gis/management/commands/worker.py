import os
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from gis.workflow import notices, rollup


class Command(BaseCommand):
    help = ("Send the two notices for every overdue dig order (contractor, police), each once, and fold the "
            "dashboard's rollup; loop or --once.")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One round, then exit.")
        parser.add_argument("--interval", type=int, default=settings.QALA_WORKFLOW["worker_interval"],
                            help="Seconds between rounds (default from QALA_WORKER_INTERVAL).")
        parser.add_argument("--exit-with-parent", action="store_true",
                            help="Stop when the process that started it ends (qala run starts it this way).")

    def handle(self, once, interval, exit_with_parent, **opts):
        parent = os.getppid()
        stopping = []
        signal.signal(signal.SIGTERM, lambda *a: stopping.append(True))
        if not once:
            self.stdout.write(f"worker: overdue dig-order notices every {max(interval, 1)} s; SIGTERM stops it")
            self.stdout.flush()
        while True:
            report = notices.run_once()
            rollup.fold()
            if report["created"] or report["sent"] or report["failed"] or once:
                self.stdout.write(f"notices: {report['created']} created, {report['sent']} sent, "
                                  f"{report['failed']} not sent")
            if once or stopping:
                return
            for _ in range(max(interval, 1)):
                if stopping or (exit_with_parent and os.getppid() != parent):
                    return
                time.sleep(1)
