"""With no mail server configured (the demo), notices are written as files under var/, not lost."""
import subprocess
import sys

from tests.conftest import qala_subprocess_env

SCRIPT = "from django.conf import settings; print(settings.EMAIL_BACKEND, settings.EMAIL_FILE_PATH)"


def test_no_smtp_host_means_file_backend(tmp_path):
    env = qala_subprocess_env(QALA_EMAIL_HOST="", QALA_VAR_DIR=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE',"
                          f"'gis.settings'); django.setup(); {SCRIPT}"], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["django.core.mail.backends.filebased.EmailBackend", str(tmp_path / "mail")]
