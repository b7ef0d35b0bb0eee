"""The admin: one editor per registry layer, with a map to digitize geometry.

Generated from the registry, so a new layer is editable with no code here.
"""
from django.contrib import admin
from django.contrib.gis import admin as gis_admin
from django.contrib.gis.db import models as gis_models

from layers.registry import registry
from web.widgets import CityMapWidget


class LayerAdmin(gis_admin.GISModelAdmin):
    gis_widget = CityMapWidget
    list_per_page = 50
    show_full_result_count = False  # no exact COUNT(*) over millions of appeals per page

    def get_list_display(self, request):
        layer = registry.for_model(self.model)
        fields = [f for f in layer.public_fields
                  if not self.model._meta.get_field(f).many_to_many][:6]
        return ["__str__", *fields]

    def get_search_fields(self, request):
        text = (gis_models.CharField, gis_models.TextField)
        return [f.name for f in self.model._meta.local_fields
                if isinstance(f, text) and f.name not in {"source_id"}][:4]

    def get_readonly_fields(self, request, obj=None):
        layer = registry.for_model(self.model)
        return [f.name for f in self.model._meta.local_fields if f.generated] + ["created_at", "updated_at",
                                                                                *layer.workflow_fields]

    def has_add_permission(self, request):
        # appeals get their number, deadline, executor and first history row from the workflow
        return not registry.for_model(self.model).created_through and super().has_add_permission(request)

    def get_list_select_related(self, request):
        return [f.name for f in self.model._meta.local_fields
                if f.is_relation and f.name in self.get_list_display(request)]

    def has_delete_permission(self, request, obj=None):
        # a never-deleted layer (appeals) cannot be deleted here; the database refuses it too
        return not registry.for_model(self.model).never_deleted and super().has_delete_permission(request, obj)


# the appeal catalog: data the 109 center edits itself (not registry layers, no map)
from layers.catalog import Category, IncidentType, Responsibility  # noqa: E402


class IncidentTypeInline(admin.TabularInline):
    model = IncidentType
    extra = 0
    fields = ("code", "name_ru", "name_kk", "name_en", "deadline", "criticality", "urgent", "routing", "active")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ru", "name_kk", "name_en", "deadline", "criticality", "urgent", "routing", "active")
    list_filter = ("deadline", "urgent", "active")
    search_fields = ("code", "name_ru", "name_kk", "name_en")
    inlines = [IncidentTypeInline]


@admin.register(IncidentType)
class IncidentTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "category", "name_ru", "deadline", "criticality", "urgent", "routing", "active")
    list_filter = ("category", "urgent", "active")
    search_fields = ("code", "name_ru", "name_kk", "name_en")


@admin.register(Responsibility)
class ResponsibilityAdmin(admin.ModelAdmin):
    list_display = ("scope", "category", "district", "organization")
    list_filter = ("scope", "category")


# An appeal's history is read-only, shown under the appeal.
from layers.appeals import Appeal  # noqa: E402
from layers.history import AppealEvent  # noqa: E402
from layers.outbox import Notice  # noqa: E402


class AppealEventInline(admin.TabularInline):
    model = AppealEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("at", "actor", "action", "from_state", "to_state", "note")
    ordering = ("at", "id")

    def has_add_permission(self, request, obj=None):
        return False  # transitions go through the workflow, which checks roles and states

    def has_change_permission(self, request, obj=None):
        return False


class AppealAdmin(LayerAdmin):
    inlines = [AppealEventInline]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The form shows the caller's personal fields: the view goes to the audit log (gis/audit.py)."""
        from gis import audit

        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200 and str(object_id).isdigit():
            audit.record(request, "appeals", [object_id])
        return response


LAYER_ADMINS = {Appeal: AppealAdmin}  # layers whose editor adds something to LayerAdmin
for layer in registry:
    admin.site.register(layer.model, LAYER_ADMINS.get(layer.model, LayerAdmin))


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("dig_order", "recipient_kind", "recipient", "state", "attempts", "sent_at", "last_error")
    list_filter = ("state", "recipient_kind")
    readonly_fields = [f.name for f in Notice._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
