"""No appeal is ever lost: the database refuses deleting appeals and altering their history."""
import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from layers.appeals import Appeal
from layers.history import AppealEvent


def test_deleting_appeals_through_the_orm_is_refused(make_appeal):
    make_appeal(number="109-2026-000001")
    make_appeal(number="109-2026-000002")
    with pytest.raises(IntegrityError, match="appeals are never deleted"), transaction.atomic():
        Appeal.objects.filter(number__startswith="109-2026").delete()
    assert Appeal.objects.count() == 2


def test_deleting_an_appeal_by_raw_sql_is_refused(make_appeal):
    appeal = make_appeal()
    with pytest.raises(IntegrityError, match="DELETE on layers_appeal refused"), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("DELETE FROM layers_appeal WHERE id = %s", [appeal.pk])
    assert Appeal.objects.filter(pk=appeal.pk).exists()


def test_an_appeal_with_history_is_protected_before_the_database_is_asked(make_appeal):
    appeal = make_appeal()
    AppealEvent.objects.create(appeal=appeal, action="register", to_state="registered")
    with pytest.raises(ProtectedError):
        appeal.delete()
    assert Appeal.objects.filter(pk=appeal.pk).exists()


def test_history_rows_cannot_be_altered_or_deleted(make_appeal):
    appeal = make_appeal()
    event = AppealEvent.objects.create(appeal=appeal, action="register", to_state="registered", note="by phone")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AppealEvent.objects.filter(pk=event.pk).update(note="rewritten")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("UPDATE layers_appealevent SET to_state = 'closed' WHERE id = %s", [event.pk])
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("DELETE FROM layers_appealevent")
    event.refresh_from_db()
    assert (event.note, event.to_state) == ("by phone", "registered")


def test_appeals_can_still_be_updated_and_history_appended(make_appeal):
    appeal = make_appeal()
    Appeal.objects.filter(pk=appeal.pk).update(status="accepted")
    AppealEvent.objects.create(appeal=appeal, action="accept", from_state="registered", to_state="accepted")
    assert appeal.events.count() == 1
    assert Appeal.objects.get(pk=appeal.pk).status == "accepted"
