from django.urls import path

from gis.ogc import process_views, tiles, views

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
    path("collections/<str:collection_id>/tiles", tiles.collection_tilesets, name="tilesets"),
    path("collections/<str:collection_id>/tiles/<str:tms>", tiles.collection_tileset, name="tileset"),
    path("collections/<str:collection_id>/tiles/<str:tms>/<int:z>/<int:row>/<int:col>", tiles.collection_tile,
         name="tile"),
    path("tileMatrixSets", tiles.tile_matrix_sets, name="tile-matrix-sets"),
    path("tileMatrixSets/<str:tms>", tiles.tile_matrix_set, name="tile-matrix-set"),
    path("processes", process_views.process_list, name="processes"),
    path("processes/<str:process_id>", process_views.process_description, name="process"),
    path("processes/<str:process_id>/execution", process_views.execute, name="execute"),
]
