from django.contrib import admin

from gis.geocoding.models import StreetRename


@admin.register(StreetRename)
class StreetRenameAdmin(admin.ModelAdmin):
    list_display = ["old_name", "new_name", "renamed_on"]
    search_fields = ["old_name", "new_name"]
