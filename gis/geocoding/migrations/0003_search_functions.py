from django.db import migrations

from gis.geocoding import sql


class Migration(migrations.Migration):
    dependencies = [("geocoding", "0002_house_base_survives_restore")]

    operations = [migrations.RunSQL(sql.SEARCH_FUNCTIONS, sql.DROP_SEARCH_FUNCTIONS)]
