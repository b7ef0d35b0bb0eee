from django.urls import path

from gis.ogc import views

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
]
