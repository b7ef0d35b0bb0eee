"""The admin's geometry editor, served entirely by us.

GeoDjango's stock widget pulls OpenLayers from a CDN and a basemap from outside
tile servers; the 109 center must work offline, so both come from our static files.
"""
from django.conf import settings
from django.contrib.gis.forms.widgets import OpenLayersWidget


class CityMapWidget(OpenLayersWidget):
    template_name = "gis/city-map.html"

    class Media:
        extend = False  # drop the parent's CDN files
        css = {"all": ("vendor/ol/ol.css", "gis/css/ol3.css")}
        js = ("vendor/ol/ol.js", "gis/js/OLMapWidget.js")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        lon, lat = settings.QALA_CITY["center"]
        context.update(default_lon=lon, default_lat=lat, default_zoom=13)
        return context
