"""The admin site: layer names carry their feature counts."""
from django.contrib import admin

from layers.registry import registry


class CityAdminSite(admin.AdminSite):
    site_header = "Qala"
    site_title = "Qala"
    index_title = "City layers"

    def get_app_list(self, request, app_label=None):
        """Show each layer's feature count beside its name, so an editor sees what is loaded."""
        from layers.stats import feature_counts

        apps = super().get_app_list(request, app_label)
        counts = feature_counts()
        for app in apps:
            for model in app["models"]:
                layer = registry.for_model(model["model"])
                if layer is not None:
                    model["name"] = f"{model['name']} — {counts[layer.id]:,}"
        return apps

    def login(self, request, extra_context=None):
        """The admin's login is throttled like the site's (gis/throttle.py)."""
        from django.contrib.admin.forms import AdminAuthenticationForm
        from django.template.response import TemplateResponse

        from gis import throttle

        if request.method == "POST":
            wait = throttle.wait_seconds(request, request.POST.get("username", ""))
            if wait:
                form = throttle.form_with_error(self.login_form or AdminAuthenticationForm, request,
                                                throttle.refusal(request, wait))
                context = {**self.each_context(request), "title": "Log in", "form": form,
                           "username": "", **(extra_context or {})}
                return throttle.throttled_response(TemplateResponse(request, "admin/login.html", context), wait)
        return super().login(request, extra_context)
