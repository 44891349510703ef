"""E-mail: queued in the transaction of the change it tells about, delivered by the sender
process (`flask deliver-mail --watch`, intranet/notifications/watcher.py), never during a
request. A request that sent its mail itself took longer for a known address than for an
unknown one (the password reset), and waited for the SMTP relay.

Delivery claims one mail at a time with a conditional UPDATE (the same on SQLite and
PostgreSQL), so that two senders running at once never send a mail twice. A failed mail keeps
its attempts and last error and is tried again after a wait that grows with its attempts
(RETRY_DELAYS).

Backends (MAIL_BACKEND): "smtp" sends through MAIL_SERVER:MAIL_PORT; "file" writes each
message as an .eml file under MAIL_DIR and logs it (development)."""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import func, or_, select, text, update

from intranet import clock
from intranet.extensions import db
from intranet.notifications.models import OutgoingMail

log = logging.getLogger(__name__)

# The PostgreSQL channel queue() notifies at commit and the sender listens on.
CHANNEL = "outgoing_mail"
# The wait before the next attempt after the first, second, ... failed one (the last repeats).
RETRY_DELAYS = tuple(timedelta(minutes=m) for m in (1, 2, 5, 15, 60))
# How long a sender may take to deliver a mail it claimed; one that died with it is then
# taken over by another. Far longer than an SMTP conversation with its 10 s timeouts.
CLAIM_TIME = timedelta(minutes=10)


# The subject column's length (OutgoingMail.subject).
SUBJECT_LIMIT = 300


def compose(person, template: str, **context) -> tuple[str, str]:
    """The subject and body of a mail to a person from templates/mail/<template>.txt, in the
    person's language: the first line of the rendered template is the subject."""
    language = getattr(person, "language", None) or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        rendered = render_template(f"mail/{template}.txt", person=person, **context)
    subject, _, body = rendered.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def queue(person, template: str, to_address: str | None = None, **context) -> OutgoingMail:
    """Queue a mail to a person (`compose`). On PostgreSQL the sender is notified in the same
    transaction: it hears of the mail when it is committed."""
    subject, body = compose(person, template, **context)
    if len(subject) > SUBJECT_LIMIT:  # a long title in it: the whole text is in the body
        subject = subject[:SUBJECT_LIMIT - 1].rstrip() + "…"
    mail = OutgoingMail(
        to_address=to_address or person.email,
        person_id=getattr(person, "id", None),
        subject=subject,
        body=body,
    )
    db.session.add(mail)
    wake_sender()
    return mail


def wake_sender() -> None:
    """On PostgreSQL, tell the sender in this transaction: it hears of it at the commit."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text(f"NOTIFY {CHANNEL}"))


# What the sender does before each pass over the outbox, registered by the domains that give
# it work (auth: the password reset requests), so that this module depends on none of them.
_BEFORE_DELIVERY: list[Callable[[], object]] = []


def before_delivery(step: Callable[[], object]) -> Callable[[], object]:
    """Register a step the sender runs (and commits) before each pass over the outbox."""
    if step not in _BEFORE_DELIVERY:
        _BEFORE_DELIVERY.append(step)
    return step


def _run_steps() -> None:
    for step in _BEFORE_DELIVERY:
        step()


def retry_delay(attempts: int) -> timedelta:
    """The wait after a mail's `attempts`-th failed attempt."""
    return RETRY_DELAYS[min(max(attempts, 1), len(RETRY_DELAYS)) - 1]


def deliver_due(keep_going: Callable[[], bool] = lambda: True) -> int:
    """Deliver the mail that is due: new mail, and failed mail whose wait is over (the
    sender's pass). Returns how many went out."""
    return _deliver_waiting(due_only=True, keep_going=keep_going)


def deliver_pending() -> int:
    """Try every mail not yet sent once, now, even those waiting to be retried (`flask
    deliver-mail`, after the SMTP relay is back). Mail another sender is delivering is left
    to it."""
    return _deliver_waiting(due_only=False)


def next_retry_at() -> datetime | None:
    """When the earliest failed mail that waits is due again (None: none waits)."""
    return db.session.scalar(select(func.min(OutgoingMail.next_attempt_at)).where(
        OutgoingMail.sent_at.is_(None), OutgoingMail.next_attempt_at > clock.utcnow()))


def _waiting(now: datetime, due_only: bool):
    """Not sent, and no sender holds it; with due_only, not waiting to be retried either."""
    condition = OutgoingMail.sent_at.is_(None) & or_(
        OutgoingMail.claimed_until.is_(None), OutgoingMail.claimed_until <= now)
    if due_only:
        condition &= or_(OutgoingMail.next_attempt_at.is_(None),
                         OutgoingMail.next_attempt_at <= now)
    return condition


def _deliver_waiting(*, due_only: bool, keep_going: Callable[[], bool] = lambda: True) -> int:
    """Each waiting mail in order, once: claim it, send it, record how it went."""
    _run_steps()
    sent = after = 0
    while keep_going():
        now = clock.utcnow()
        # A plain read first: a look at an empty outbox takes no lock and writes nothing.
        mail_id = db.session.scalar(
            select(OutgoingMail.id).where(_waiting(now, due_only), OutgoingMail.id > after)
            .order_by(OutgoingMail.id).limit(1))
        if mail_id is None:
            break
        after = mail_id
        if _claim(mail_id, now, due_only):
            sent += _attempt(db.session.get(OutgoingMail, mail_id))
    return sent


def _claim(mail_id: int, now: datetime, due_only: bool) -> bool:
    """Take the mail for this sender, if it still waits (another sender may have taken it
    since it was read: on PostgreSQL this UPDATE waits for that sender's and then finds the
    row taken, on SQLite writers take turns), and count the attempt."""
    claimed = db.session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.id == mail_id, _waiting(now, due_only))
        .values(claimed_until=now + CLAIM_TIME, attempts=OutgoingMail.attempts + 1)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return claimed.rowcount == 1


def _attempt(mail: OutgoingMail) -> bool:
    try:
        _send(mail)
    except Exception as error:
        # The relay's refusal or absence (OSError, SMTPException) is expected; anything else
        # (a message that cannot be written) is logged in full. Either way the mail waits and
        # the sender goes on with the others.
        expected = isinstance(error, OSError | smtplib.SMTPException)
        mail.last_error = f"{type(error).__name__}: {error}"[:2000]
        mail.next_attempt_at = clock.utcnow() + retry_delay(mail.attempts)
        (log.warning if expected else log.exception)(
            "Mail %s to %s not delivered (attempt %s, next at %s UTC): %s", mail.id,
            mail.to_address, mail.attempts, f"{mail.next_attempt_at:%H:%M:%S}", error)
        delivered = False
    else:
        mail.sent_at = clock.utcnow()
        mail.last_error = ""
        mail.next_attempt_at = None
        delivered = True
    mail.claimed_until = None
    db.session.commit()
    return delivered


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
