from django.core.management.base import BaseCommand, CommandError

from gis import cluster, config


class Command(BaseCommand):
    help = "Start, stop or show the embedded PostGIS cluster under var/ (not used with DATABASE_URL)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["start", "stop", "status"])

    def handle(self, action, **opts):
        if config.DATABASE_URL:
            self.stdout.write("DATABASE_URL is set: Qala uses that server, the embedded cluster is not used.")
            return
        try:
            if action == "start":
                cluster.start()
                self.stdout.write(f"PostGIS is running: socket {cluster.socket_dir()} port {config.PG_PORT}")
            elif action == "stop":
                cluster.stop()
                self.stdout.write("PostGIS stopped.")
            else:
                state = "running" if cluster.is_running() else "stopped"
                self.stdout.write(f"PostGIS {state}: data {cluster.data_dir()}")
        except cluster.ClusterError as exc:
            raise CommandError(str(exc)) from exc
