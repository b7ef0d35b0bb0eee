from django.urls import path

from gis.open311 import openapi, views

app_name = "open311"
urlpatterns = [
    path("openapi.json", openapi.openapi_view, name="openapi"),
    path("services.<str:fmt>", views.services, name="services"),
    path("services/<str:code>.<str:fmt>", views.service_definition, name="service"),
    path("requests.<str:fmt>", views.service_requests, name="requests"),
    path("requests/<str:number>.<str:fmt>", views.service_request, name="request"),
]
