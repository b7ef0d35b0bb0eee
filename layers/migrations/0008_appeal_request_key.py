from django.db import migrations, models


class Migration(migrations.Migration):
    """A client's retry of a create (same Idempotency-Key) finds the appeal it already made."""

    dependencies = [("layers", "0007_notice_cancelled_when_order_closed_first")]

    operations = [
        migrations.AddField(
            model_name="appeal",
            name="request_key",
            field=models.CharField(blank=True, editable=False, max_length=160, null=True, unique=True,
                                   help_text="Who filed it and the client's Idempotency-Key: a retried create "
                                             "returns the first appeal instead of a second one."),
        ),
    ]
