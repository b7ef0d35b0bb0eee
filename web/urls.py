from django.contrib.auth import views as auth_views
from django.urls import include, path

from gis import throttle
from web.views import common, dashboard, operator, planner, public

app_name = "web"

urlpatterns = [
    path("", public.home, name="home"),
    path("map/style.json", common.style, name="style"),
    path("paving/", public.paving, name="paving"),
    path("paving.json", public.paving_json, name="paving-json"),
    path("appeal/", public.appeal_lookup, name="appeal-lookup"),
    path("appeal/<path:number>/", public.appeal, name="appeal"),
    path("dig-orders/<int:order_id>.json", public.dig_order, name="dig-order"),
    path("yards/<int:yard_id>.geojson", public.yard_geojson, name="yard-geojson"),
    path("operator/", operator.console, name="operator"),
    path("operator/appeals", operator.register_appeal, name="register-appeal"),
    path("operator/appeals/<str:number>/<str:action>", operator.appeal_action, name="appeal-action"),
    path("planner/", planner.planner, name="planner"),
    path("planner/reports/district/<int:district_id>.html", planner.district_report, name="district-report"),
    path("planner/segments/<int:segment_id>/accidents", planner.segment_accidents, name="segment-accidents"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard.json", dashboard.dashboard_json, name="dashboard-json"),
    path("login/", throttle.LoginView.as_view(template_name="web/login.html", next_page="web:home"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="web:home"), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
]
