from django.urls import path

from gis.geocoding import views

urlpatterns = [
    path("search", views.search_view, name="search"),
    path("here", views.here_view, name="here"),
]
