from django.apps import AppConfig


class GisConfig(AppConfig):
    name = "gis"
    label = "qala"  # "gis" is django.contrib.gis's label
    verbose_name = "Qala"
