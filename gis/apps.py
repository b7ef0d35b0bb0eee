from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class GisConfig(AppConfig):
    name = "gis"
    label = "qala"  # "gis" is django.contrib.gis's label
    verbose_name = "Qala"

    def ready(self):
        from gis import throttle  # noqa: F401  (counts failed logins from the auth signals)


class QalaAdminConfig(AdminConfig):
    default_site = "gis.admin_site.CityAdminSite"
