"""Logging in and out, and the server-side login sessions behind them."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import joinedload

from intranet import cache, clock
from intranet.audit.services import record
from intranet.auth.models import (
    AccountToken,
    LoginSession,
    PasswordResetRequest,
    TokenPurpose,
)
from intranet.auth.passwords import hash_password, needs_rehash, verify_password
from intranet.extensions import db
from intranet.notifications.services import before_delivery
from intranet.org.models import Person, normalise_email
from intranet.urls import external_url

log = logging.getLogger(__name__)

# last_seen_at is written at most this often, not on every request.
_TOUCH_EVERY = timedelta(minutes=1)


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def authenticate(email: str, password: str) -> Person | None:
    """The active person with this e-mail and password, or None. Unknown addresses cost the
    same time as known ones."""
    person = db.session.scalar(select(Person).where(Person.email == normalise_email(email)))
    ok = verify_password(person.password_hash if person else None, password)
    if ok and _published(password):
        # Demo data (a demo backup restored, a development command run against this
        # database) must not let anyone in with the password the README publishes.
        log.warning("Refused a login with a published demo password in production")
        ok = False
    if not ok or person is None or not person.active:
        record("login_failed", actor=person, email=normalise_email(email)[:254])
        return None
    if needs_rehash(person.password_hash):
        person.password_hash = hash_password(password)
    return person


def _published(password: str) -> bool:
    if current_app.config["ENV_NAME"] != "production":
        return False
    from intranet.demo import published_passwords

    return password in published_passwords()


def start_session(person: Person, *, ip: str, user_agent: str) -> LoginSession:
    """A new login session for the person, from this address and browser; its key is left on
    `person.login_session_key` for the cookie (the route starts the cookie's session)."""
    key = secrets.token_urlsafe(32)
    now = clock.utcnow()
    login = LoginSession(
        created_at=now,
        last_seen_at=now,
        authenticated_at=now,
        key_hash=_hash_key(key),
        person_id=person.id,
        ip=ip or "",
        user_agent=(user_agent or "")[:300],
    )
    db.session.add(login)
    person.previous_login_at = person.last_login_at
    person.last_login_at = clock.utcnow()
    person.login_session_key = key
    record("login", actor=person, obj=person)
    return login


def end_session(person: Person) -> None:
    """Log out: the session row is revoked, so a copied cookie no longer works."""
    key = getattr(person, "login_session_key", None)
    if key:
        db.session.execute(
            update(LoginSession)
            .where(LoginSession.key_hash == _hash_key(key), LoginSession.revoked_at.is_(None))
            .values(revoked_at=clock.utcnow())
        )
    record("logout", actor=person, obj=person)


def revoke_all_sessions(person: Person, except_key: str | None = None) -> int:
    """End every login session of the person (password change, deactivation)."""
    stmt = update(LoginSession).where(
        LoginSession.person_id == person.id, LoginSession.revoked_at.is_(None)
    )
    if except_key:
        stmt = stmt.where(LoginSession.key_hash != _hash_key(except_key))
    result = db.session.execute(stmt.values(revoked_at=clock.utcnow()))
    return result.rowcount


# Built once: every request runs it, and building it costs more than running it. The
# cached fragments' tokens come with it, read before anything else the request shows.
_LOGIN = (select(LoginSession, cache.TOKENS_COLUMN)
          .where(LoginSession.key_hash == bindparam("key_hash"))
          .options(joinedload(LoginSession.person)))


def session_person(key: str) -> tuple[Person | None, bool]:
    """The person behind a live login session, or None; and whether the session's row
    changed (ended as idle or too old, or its last use noted), for the caller to commit."""
    if not key:
        return None, False
    # The person comes in the same query: every request pays for this one.
    row = db.session.execute(_LOGIN, {"key_hash": _hash_key(key)}).first()
    if row is None or row[0].revoked_at is not None:
        return None, False
    login = row[0]
    cache.remember_versions(row[1])
    now = clock.utcnow()
    config = current_app.config
    idle = timedelta(minutes=config["SESSION_IDLE_MINUTES"])
    absolute = timedelta(hours=config["SESSION_ABSOLUTE_HOURS"])
    if now - login.last_seen_at > idle or now - login.created_at > absolute:
        login.revoked_at = now
        return None, True
    person = login.person
    if person is None or not person.active:
        return None, False
    touched = now - login.last_seen_at > _TOUCH_EVERY
    if touched:
        login.last_seen_at = now
    person.login_session_key = key
    return person, touched


# ---------------------------------------------------------------- fresh login


def current_login_session(person: Person) -> LoginSession | None:
    key = getattr(person, "login_session_key", None)
    if not key:
        return None
    return db.session.scalar(select(LoginSession).where(LoginSession.key_hash == _hash_key(key)))


def is_fresh(person: Person) -> bool:
    """Whether the person gave their password within the freshness window in this session."""
    login = current_login_session(person)
    if login is None:
        return False
    window = timedelta(minutes=current_app.config["FRESH_LOGIN_MINUTES"])
    return clock.utcnow() - login.authenticated_at <= window


def confirm_password(person: Person, password: str) -> bool:
    """Confirm a sensitive action with the password: the session counts as fresh again."""
    if not verify_password(person.password_hash, password or ""):
        record("password_confirmation_failed", actor=person, obj=person)
        return False
    login = current_login_session(person)
    if login is not None:
        login.authenticated_at = clock.utcnow()
    return True


# ---------------------------------------------------------------- one-time links


def issue_token(person: Person, purpose: str, lifetime: timedelta, actor=None) -> str:
    """A one-time token for a link; earlier unused tokens of the same purpose stop working."""
    now = clock.utcnow()
    db.session.execute(
        update(AccountToken)
        .where(AccountToken.person_id == person.id, AccountToken.purpose == purpose,
               AccountToken.used_at.is_(None))
        .values(used_at=now)
    )
    raw = secrets.token_urlsafe(32)
    db.session.add(AccountToken(
        token_hash=_hash_key(raw), purpose=purpose, person_id=person.id,
        created_by_id=getattr(actor, "id", None), created_at=now, expires_at=now + lifetime,
    ))
    return raw


def valid_token(raw: str, purpose: str) -> AccountToken | None:
    token = db.session.scalar(select(AccountToken).where(
        AccountToken.token_hash == _hash_key(raw or ""), AccountToken.purpose == purpose))
    if token is None or token.used_at is not None or token.expires_at <= clock.utcnow():
        return None
    if not token.person.active:
        return None
    return token


def set_password_with_token(token: AccountToken, password: str) -> Person:
    """Use the token (once) to set the person's password; every other session ends."""
    person = token.person
    token.used_at = clock.utcnow()
    person.password_hash = hash_password(password)
    revoke_all_sessions(person)
    record("password_set", actor=person, obj=person, purpose=token.purpose)
    return person


def request_password_reset(email: str) -> None:
    """Ask for a one-time link to set a new password. The request only writes the address
    down, the same for every address, so that its answer takes the same time whether or not
    the address has an account; the mail sender handles it (handle_reset_requests)."""
    from intranet.notifications.services import wake_sender

    db.session.add(PasswordResetRequest(email=normalise_email(email)[:254],
                                        requested_at=clock.utcnow()))
    wake_sender()


@before_delivery
def handle_reset_requests() -> int:
    """The sender's step: for each reset request, a link by mail if the address belongs to an
    active person, an audit row either way; each request handled once, even by two senders
    at once (the one whose DELETE removes the row handles it), and committed on its own."""
    from intranet.notifications.services import queue

    handled = 0
    for request_id, email in db.session.execute(
            select(PasswordResetRequest.id, PasswordResetRequest.email)
            .order_by(PasswordResetRequest.id)).all():
        taken = db.session.execute(delete(PasswordResetRequest).where(
            PasswordResetRequest.id == request_id))
        if taken.rowcount != 1:
            db.session.rollback()
            continue
        person = db.session.scalar(select(Person).where(Person.email == email))
        if person is None or not person.active:
            record("password_reset_unknown", email=email)
        else:
            minutes = current_app.config["PASSWORD_RESET_MINUTES"]
            token = issue_token(person, TokenPurpose.PASSWORD_RESET,
                                timedelta(minutes=minutes))
            link = external_url("auth.reset_password", token=token)
            queue(person, "password_reset", link=link, minutes=minutes)
            record("password_reset_requested", actor=person, obj=person)
        db.session.commit()
        handled += 1
    return handled
