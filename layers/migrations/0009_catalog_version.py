from django.db import migrations

# A version number for the catalog, so each process may keep the catalog in memory and
# still see an admin edit or a `load-catalog` at once: any statement on a catalog table
# stores a fresh value from a sequence (never reused, even after a rolled-back edit), and a
# reader compares it with the version its copy was loaded at (gis/workflow/catalog.py).
CATALOG_VERSION = """
CREATE SEQUENCE qala_catalog_version_seq;
CREATE TABLE qala_catalog_version (version bigint NOT NULL);
INSERT INTO qala_catalog_version VALUES (nextval('qala_catalog_version_seq'));

CREATE FUNCTION qala_catalog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE qala_catalog_version SET version = nextval('qala_catalog_version_seq');
    RETURN NULL;
END $$;

CREATE TRIGGER qala_catalog_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON layers_category
    FOR EACH STATEMENT EXECUTE FUNCTION qala_catalog_changed();
CREATE TRIGGER qala_catalog_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON layers_incidenttype
    FOR EACH STATEMENT EXECUTE FUNCTION qala_catalog_changed();
"""

DROP = """
DROP TRIGGER IF EXISTS qala_catalog_changed ON layers_category;
DROP TRIGGER IF EXISTS qala_catalog_changed ON layers_incidenttype;
DROP FUNCTION IF EXISTS qala_catalog_changed();
DROP TABLE IF EXISTS qala_catalog_version;
DROP SEQUENCE IF EXISTS qala_catalog_version_seq;
"""


class Migration(migrations.Migration):

    dependencies = [("layers", "0008_appeal_request_key")]

    operations = [migrations.RunSQL(CATALOG_VERSION, DROP)]
