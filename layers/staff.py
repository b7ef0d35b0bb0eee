"""Which organization a staff user acts for: an executor sees and answers only its own appeals."""
from django.conf import settings
from django.db import models


class StaffMember(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff")
    organization = models.ForeignKey("layers.Organization", on_delete=models.PROTECT, related_name="staff")

    def __str__(self):
        return f"{self.user} @ {self.organization}"
