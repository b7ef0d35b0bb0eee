from django.apps import AppConfig


class GeocodingConfig(AppConfig):
    name = "gis.geocoding"
    label = "geocoding"
    verbose_name = "Address search"
