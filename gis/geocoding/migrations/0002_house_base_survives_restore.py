from django.db import migrations

from gis.geocoding import sql


class Migration(migrations.Migration):
    dependencies = [("geocoding", "0001_address_index")]

    operations = [migrations.RunSQL(sql.NORMALIZE, migrations.RunSQL.noop)]
