"""E-mail: queued in the transaction of the change it tells about, delivered after commit.

Backends (MAIL_BACKEND): "smtp" sends through MAIL_SERVER:MAIL_PORT; "file" writes each
message as an .eml file under MAIL_DIR and logs it (development)."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app, g, has_request_context, render_template
from flask_babel import force_locale
from sqlalchemy import select

from intranet import clock
from intranet.extensions import db
from intranet.notifications.models import OutgoingMail

log = logging.getLogger(__name__)


def queue(person, template: str, to_address: str | None = None, **context) -> OutgoingMail:
    """Queue a mail to a person, written from templates/mail/<template>.txt in the person's
    language. The first line of the rendered template is the subject."""
    language = getattr(person, "language", None) or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        text = render_template(f"mail/{template}.txt", person=person, **context)
    subject, _, body = text.strip().partition("\n")
    mail = OutgoingMail(
        to_address=to_address or person.email,
        person_id=getattr(person, "id", None),
        subject=subject.strip(),
        body=body.strip() + "\n",
    )
    db.session.add(mail)
    if has_request_context():
        g.setdefault("queued_mail", []).append(mail)
    return mail


def deliver_queued() -> int:
    """Deliver what this request queued (call after the commit)."""
    mails = [m for m in g.pop("queued_mail", []) if m.id is not None]
    return _deliver(mails)


def deliver_pending(limit: int = 200) -> int:
    """Deliver every mail not yet sent (retries; `flask deliver-mail`)."""
    mails = list(db.session.scalars(
        select(OutgoingMail).where(OutgoingMail.sent_at.is_(None))
        .order_by(OutgoingMail.id).limit(limit)
    ))
    return _deliver(mails)


def _deliver(mails: list[OutgoingMail]) -> int:
    sent = 0
    for mail in mails:
        if mail.sent_at is not None:
            continue
        mail.attempts += 1
        try:
            _send(mail)
        except (OSError, smtplib.SMTPException) as error:
            mail.last_error = f"{type(error).__name__}: {error}"[:2000]
            log.warning("Mail %s to %s not delivered: %s", mail.id, mail.to_address, error)
        else:
            mail.sent_at = clock.utcnow()
            mail.last_error = ""
            sent += 1
        db.session.commit()
    return sent


def _message(mail: OutgoingMail) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain=config["MAIL_FROM"].rpartition("@")[2].strip(">"))
    message.set_content(mail.body)
    return message


def _send(mail: OutgoingMail) -> None:
    config = current_app.config
    message = _message(mail)
    backend = config["MAIL_BACKEND"]
    if backend == "file":
        directory = Path(config["MAIL_DIR"])
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{mail.id:06d}.eml"
        path.write_bytes(bytes(message))
        log.info("Mail to %s written to %s: %s", mail.to_address, path, mail.subject)
        return
    if backend != "smtp":
        raise ValueError(f"unknown MAIL_BACKEND {backend!r}")
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)
