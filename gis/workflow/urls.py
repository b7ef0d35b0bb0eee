from django.urls import path

from gis.workflow import views

urlpatterns = [
    path("appeals", views.create, name="workflow-create"),
    path("appeals/<str:number>/transitions", views.transition, name="workflow-transition"),
    path("appeals/<str:number>/history", views.history, name="workflow-history"),
    path("appeals/<str:number>/duplicates", views.duplicates, name="workflow-duplicates"),
]
