from django.urls import path

from gis import api_openapi
from gis.geocoding import views

urlpatterns = [
    path("search", views.search_view, name="search"),
    path("here", views.here_view, name="here"),
    path("openapi.json", api_openapi.openapi_view, name="api-openapi"),
]
