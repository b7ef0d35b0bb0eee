"""Liveness and readiness for a load balancer or an orchestrator."""
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def health(request):
    """Liveness: the process answers and reaches PostGIS."""
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT postgis_lib_version()")
            postgis = cur.fetchone()[0]
    except Exception as exc:  # the database is down: that is what this endpoint reports
        return JsonResponse({"status": "unavailable", "detail": str(exc).splitlines()[0]}, status=503)
    return JsonResponse({"status": "ok", "postgis": postgis})


@require_GET
def ready(request):
    """Readiness: every migration is applied too (else 503: keep this server out of rotation)."""
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        return JsonResponse({"status": "unavailable", "detail": str(exc).splitlines()[0]}, status=503)
    if pending:
        return JsonResponse({"status": "migrating", "pending": len(pending)}, status=503)
    return JsonResponse({"status": "ready"})
