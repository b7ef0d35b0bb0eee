from django.urls import path

from gis.ogc import process_views, views

app_name = "ogc"
urlpatterns = [
    path("", views.landing, name="landing"),
    path("conformance", views.conformance, name="conformance"),
    path("openapi", views.openapi, name="openapi"),
    path("collections", views.collections, name="collections"),
    path("collections/<str:collection_id>", views.collection_view, name="collection"),
    path("collections/<str:collection_id>/queryables", views.queryables, name="queryables"),
    path("collections/<str:collection_id>/items", views.items, name="items"),
    path("collections/<str:collection_id>/items/<str:feature_id>", views.item, name="item"),
    path("processes", process_views.process_list, name="processes"),
    path("processes/<str:process_id>", process_views.process_description, name="process"),
    path("processes/<str:process_id>/execution", process_views.execute, name="execute"),
]
