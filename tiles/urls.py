from django.urls import re_path

from tiles import views

NUM = r"-?\d{1,10}"
SOURCE = r"[A-Za-z0-9_-]+"

urlpatterns = [
    re_path(rf"^raster/density/(?P<category>{SOURCE})/(?P<z>{NUM})/(?P<x>{NUM})/(?P<y>{NUM})\.png$",
            views.density_tile, name="density-tile"),
    re_path(rf"^raster/imagery/(?P<name>{SOURCE})/(?P<z>{NUM})/(?P<x>{NUM})/(?P<y>{NUM})\.png$",
            views.imagery_tile, name="imagery-tile"),
    re_path(rf"^(?P<source>{SOURCE})\.json$", views.tile_json, name="tilejson"),
    re_path(rf"^(?P<source>{SOURCE})/(?P<z>{NUM})/(?P<x>{NUM})/(?P<y>{NUM})\.mvt$", views.vector_tile,
            name="vector-tile"),
]
