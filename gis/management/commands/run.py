import secrets

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from gis import config


class Command(BaseCommand):
    help = "Migrate, load the demo city if it is not loaded yet, and serve on 127.0.0.1:8000 (gunicorn)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default=f"{config.HOST}:{config.PORT}")
        parser.add_argument("--no-demo", action="store_true", help="Do not load the demo city.")

    def handle(self, addrport, no_demo, **opts):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write("Database schema is up to date.")
        call_command("load_catalog")  # categories and incident types: operators cannot register without them
        if not no_demo:
            call_command("demo_data")
        if not config.DATABASE_URL:
            self._ensure_admin()
        self._start_worker()
        call_command("serve", bind=addrport)

    def _start_worker(self):
        """The dig-order notice worker beside the web server; it ends when the server ends."""
        import subprocess
        import sys

        subprocess.Popen([sys.executable, "-m", "gis.cli", "worker", "--exit-with-parent"])
        self.stdout.write("Worker started: overdue dig orders are noticed every "
                          f"{config.WORKER_INTERVAL} s.")

    def _ensure_admin(self):
        """The embedded default gets one admin account; its password is kept under var/."""
        path = config.VAR_DIR / "admin_password"
        User = get_user_model()
        if not User.objects.filter(username="admin").exists():
            password = secrets.token_urlsafe(12)
            User.objects.create_superuser("admin", "", password)
            path.write_text(password + "\n")
            path.chmod(0o600)
        self.stdout.write(f"Admin: http://{config.HOST}:{config.PORT}/admin/  user admin, password in {path}")
