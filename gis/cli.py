"""`qala`: the project's command line, a thin front to Django's management commands.

`qala <command>` runs any management command (`qala migrate`, `qala shell`);
dashes and underscores are the same (`qala demo-data` = `demo_data`). Before
anything touches the database, the embedded PostGIS is started unless
DATABASE_URL points at another server. A QalaError escaping any command is
printed as its message (exit 1), never as a traceback.
"""
from __future__ import annotations

import os
import sys

NO_DATABASE = {"help", "--help", "-h", "version", "--version", "db", "makemessages", "compilemessages", "makemigrations"}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    command = argv[1] if len(argv) > 1 else "help"
    if command not in NO_DATABASE:
        from gis import cluster

        try:
            cluster.ensure()
        except cluster.ClusterError as exc:
            print(f"qala: {exc}", file=sys.stderr)
            return 2
    from django.core.management import execute_from_command_line

    from gis.errors import QalaError

    argv[0] = "qala"
    try:
        execute_from_command_line(argv)
    except QalaError as exc:  # a failure the user can fix: their message, not a traceback
        print(f"qala {command}: {exc.message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
