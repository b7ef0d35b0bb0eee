from django.db import models


class StreetRename(models.Model):
    """A street renaming as data: callers keep using the old name for years."""

    old_name = models.CharField(max_length=200)
    new_name = models.CharField(max_length=200, help_text="The current name, as in the streets layer.")
    renamed_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["old_name", "new_name"], name="street_rename_unique")]

    def __str__(self):
        return f"{self.old_name} → {self.new_name}"
