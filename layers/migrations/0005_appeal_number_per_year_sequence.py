from django.db import migrations

# Registration numbers 109-YYYY-NNNNNN from one database sequence per year: no lock held
# across concurrent registrations, never reused. A year's sequence is created on its first
# number and starts after any number of that year already stored (imported appeals); a
# collision with a number imported later moves the sequence past it.
NEXT_NUMBER = r"""
CREATE OR REPLACE FUNCTION qala_next_appeal_number(y integer) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    seq text := 'qala_appeal_number_' || y;
    prefix text := '109-' || y || '-';
    n bigint;
    candidate text;
BEGIN
    IF y < 2000 OR y > 2999 THEN
        RAISE EXCEPTION 'registration year % out of range', y USING ERRCODE = 'check_violation';
    END IF;
    IF to_regclass(seq) IS NULL THEN
        BEGIN
            EXECUTE format('CREATE SEQUENCE %I MINVALUE 1', seq);
        EXCEPTION WHEN duplicate_table OR unique_violation THEN
            NULL;  -- another transaction created it first
        END;
    END IF;
    LOOP
        n := nextval(seq);
        candidate := prefix || CASE WHEN n < 1000000 THEN lpad(n::text, 6, '0') ELSE n::text END;
        EXIT WHEN NOT EXISTS (SELECT 1 FROM layers_appeal WHERE number = candidate);
        PERFORM setval(seq, greatest(n, coalesce((
            SELECT max(substring(number FROM '^109-\d{4}-(\d{1,18})$')::bigint)
            FROM layers_appeal WHERE number LIKE prefix || '%'), 0)));
    END LOOP;
    RETURN candidate;
END $$;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("layers", "0004_executor_staff_membership"),
    ]

    operations = [
        migrations.RunSQL(NEXT_NUMBER, "DROP FUNCTION IF EXISTS qala_next_appeal_number(integer)"),
    ]
