from django.contrib import admin
from django.urls import include, path

from gis import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health", health.health, name="health"),
    path("ready", health.ready, name="ready"),
    path("api/", include("gis.geocoding.urls")),
    path("api/workflow/", include("gis.workflow.urls")),
    path("tiles/", include("tiles.urls")),
    path("ogc/", include("gis.ogc.urls")),
    path("open311/v2/", include("gis.open311.urls")),
    path("", include("web.urls")),
]

handler404 = "gis.not_found.page_not_found"  # API paths: a problem document, not a page
