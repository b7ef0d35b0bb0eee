"""The dig-order worker: two notices per overdue order, to the contractor and to the police.

1. enqueue: one outbox row per (order, recipient) — INSERT … ON CONFLICT DO NOTHING on the
   unique key, so any number of workers create each notice once.
2. deliver: each pending row is locked (FOR UPDATE SKIP LOCKED), mailed over SMTP and marked
   sent in the same transaction. A concurrent worker skips a locked row; a worker that dies
   before marking releases its lock and the row is sent again with the same Message-ID,
   so the receiving mail system sees one message. (No system can do better: between the
   SMTP server's "250 OK" and the commit a crash can always happen.)
"""
from __future__ import annotations

import datetime as dt
import logging
from io import BytesIO

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.utils import timezone

from layers.organizations import Organization
from layers.outbox import Notice

log = logging.getLogger("qala.worker")

ENQUEUE = """
INSERT INTO layers_notice (dig_order_id, recipient_kind, recipient_id, state, created_at, overdue_since,
                           attempts, last_error, email, message_id)
SELECT o.id, r.kind, CASE WHEN r.kind = 'contractor' THEN o.contractor_id ELSE %(police)s END,
       'pending', now(), o.restore_by, 0, '', '', ''
FROM layers_digorder o CROSS JOIN (VALUES ('contractor'), ('police')) AS r(kind)
WHERE o.closed_on IS NULL AND o.restore_by < %(today)s
ON CONFLICT ON CONSTRAINT notice_once_per_recipient DO NOTHING
"""

CLAIM = """
SELECT id FROM layers_notice WHERE state = 'pending' AND NOT (id = ANY(%s)) ORDER BY id
FOR UPDATE SKIP LOCKED LIMIT 1
"""


def police() -> Organization | None:
    """The city police department: the first police organization on record."""
    return Organization.objects.filter(kind=Organization.Kind.POLICE).order_by("id").first()


def enqueue_overdue(today: dt.date | None = None) -> int:
    """Create the missing notices for every order past its deadline and not closed."""
    today = today or timezone.localdate()
    cop = police()
    with connection.cursor() as cur:
        cur.execute(ENQUEUE, {"today": today, "police": cop.pk if cop else None})
        return cur.rowcount


def message_id(notice: Notice) -> str:
    return f"<qala-notice-{notice.pk}-{notice.recipient_kind}@{settings.QALA_CITY['name'].lower()}.qala>"


def compose(notice: Notice) -> tuple[str, str]:
    order = notice.dig_order
    subject = f"Просрочен ордер на земляные работы № {order.number} / Overdue dig order {order.number}"
    body = (
        f"Ордер № {order.number}, подрядчик: {order.contractor}.\n"
        f"Цель работ: {order.purpose or '—'}. Выдан {order.issued_on:%d.%m.%Y}.\n"
        f"Срок восстановления благоустройства истёк {order.restore_by:%d.%m.%Y}; ордер не закрыт.\n"
        f"Участок: {order.geom.centroid.y:.5f} N, {order.geom.centroid.x:.5f} E.\n\n"
        f"Dig order {order.number} (contractor {order.contractor}) had to be restored by "
        f"{order.restore_by:%Y-%m-%d} and is not closed.\n"
        f"Notice to: {notice.get_recipient_kind_display()}.\n"
    )
    return subject, body


def pdf(notice: Notice) -> bytes:
    """A printable A4 copy of the notice."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font = "Helvetica"
    path = settings.QALA_WORKFLOW["pdf_font"]
    try:
        if "QalaSans" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("QalaSans", path))
        font = "QalaSans"
    except Exception:  # no Cyrillic font installed: still print, in the built-in font
        log.warning("PDF font %s not usable; notices print in Helvetica", path)
    subject, body = compose(notice)
    buf = BytesIO()
    page = canvas.Canvas(buf, pagesize=A4, invariant=1)
    page.setTitle(subject)
    width, height = A4
    y = height - 60
    page.setFont(font, 13)
    page.drawString(50, y, f"Уведомление / Notice {notice.pk}")
    page.setFont(font, 10)
    for line in [subject, ""] + body.splitlines():
        y -= 16
        page.drawString(50, y, line[:110])
    page.showPage()
    page.save()
    return buf.getvalue()


def _recipient(notice: Notice) -> Organization | None:
    if notice.recipient_id is None and notice.recipient_kind == Notice.Recipient.POLICE:
        return police()
    return notice.recipient


def deliver_one(mail_connection=None, skip: list[int] | None = None) -> Notice | None:
    """Lock, send and mark one pending notice (not in `skip`); None when nothing is left to claim."""
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(CLAIM, [list(skip or [])])
            row = cur.fetchone()
        if row is None:
            return None
        notice = Notice.objects.select_related("dig_order__contractor", "recipient").get(pk=row[0])
        if notice.dig_order.closed_on is not None:  # restored and closed since it was queued
            notice.state = Notice.State.CANCELLED
            notice.save(update_fields=["state"])
            return notice
        notice.attempts += 1
        org = _recipient(notice)
        if org is None or not org.email:
            notice.recipient = org
            notice.last_error = (f"no e-mail address for the {notice.recipient_kind}"
                                 f"{f' ({org})' if org else ''}; add it in the admin")
            notice.save(update_fields=["attempts", "last_error", "recipient"])
            return notice
        notice.message_id = notice.message_id or message_id(notice)
        subject, body = compose(notice)
        mail = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [org.email],
                            headers={"Message-ID": notice.message_id, "X-Qala-Notice": str(notice.pk)},
                            connection=mail_connection)
        mail.attach(f"notice-{notice.dig_order.number}-{notice.recipient_kind}.pdf", pdf(notice), "application/pdf")
        try:
            mail.send()
        except OSError as exc:  # SMTP refused or unreachable: stays pending, retried next round
            notice.last_error = f"{type(exc).__name__}: {exc}"
            notice.save(update_fields=["attempts", "last_error", "message_id"])
            log.warning("notice %s not sent: %s", notice.pk, notice.last_error)
            return notice
        notice.state, notice.sent_at, notice.email, notice.last_error = Notice.State.SENT, timezone.now(), org.email, ""
        notice.recipient = org
        notice.save(update_fields=["state", "sent_at", "email", "last_error", "attempts", "message_id", "recipient"])
    log.info("notice %s sent to %s (%s)", notice.pk, org.email, notice.recipient_kind)
    return notice


def run_once(today: dt.date | None = None, limit: int = 1000) -> dict:
    """One worker round: enqueue what became overdue, then deliver what is pending."""
    created = enqueue_overdue(today)
    sent = failed = 0
    if not Notice.objects.filter(state=Notice.State.PENDING).exists():
        return {"created": created, "sent": 0, "failed": 0}
    mail_connection = get_connection()  # one SMTP session per round
    tried: list[int] = []
    try:
        mail_connection.open()
    except OSError as exc:
        log.warning("SMTP server unreachable: %s", exc)
    try:
        for _ in range(limit):
            notice = deliver_one(mail_connection, skip=tried)
            if notice is None:
                break
            tried.append(notice.pk)  # a row that failed waits for the next round
            if notice.state == Notice.State.SENT:
                sent += 1
            elif notice.state == Notice.State.PENDING:
                failed += 1
    finally:
        try:
            mail_connection.close()
        except OSError:
            pass
    return {"created": created, "sent": sent, "failed": failed}
