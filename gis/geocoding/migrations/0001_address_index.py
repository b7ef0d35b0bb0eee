from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from gis.geocoding import sql


class Migration(migrations.Migration):
    initial = True
    dependencies = [("layers", "0002_web_mercator_copy_for_tiles")]

    operations = [
        TrigramExtension(),
        migrations.CreateModel(
            name="StreetRename",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("old_name", models.CharField(max_length=200)),
                ("new_name", models.CharField(help_text="The current name, as in the streets layer.", max_length=200)),
                ("renamed_on", models.DateField(blank=True, null=True)),
                ("note", models.CharField(blank=True, max_length=300)),
            ],
            options={"constraints": [models.UniqueConstraint(fields=("old_name", "new_name"),
                                                             name="street_rename_unique")]},
        ),
        migrations.RunSQL(sql.NORMALIZE, sql.DROP_NORMALIZE),
        migrations.RunSQL(sql.VARIANTS, sql.DROP_VARIANTS),
    ]
