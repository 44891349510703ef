"""Logging in and out, and the server-side login sessions behind them."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, request, session
from flask_login import login_user, logout_user
from sqlalchemy import select, update

from intranet import clock
from intranet.audit.services import record
from intranet.auth.models import LoginSession
from intranet.auth.passwords import hash_password, needs_rehash, verify_password
from intranet.extensions import db
from intranet.org.models import Person, normalise_email

# last_seen_at is written at most this often, not on every request.
_TOUCH_EVERY = timedelta(minutes=1)


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def authenticate(email: str, password: str) -> Person | None:
    """The active person with this e-mail and password, or None. Unknown addresses cost the
    same time as known ones."""
    person = db.session.scalar(select(Person).where(Person.email == normalise_email(email)))
    ok = verify_password(person.password_hash if person else None, password)
    if not ok or person is None or not person.active:
        record("login_failed", actor=person, email=normalise_email(email)[:254])
        return None
    if needs_rehash(person.password_hash):
        person.password_hash = hash_password(password)
    return person


def start_session(person: Person) -> LoginSession:
    """Log the person in on a fresh session: the old cookie's contents (and CSRF token) go."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    key = secrets.token_urlsafe(32)
    login = LoginSession(
        key_hash=_hash_key(key),
        person_id=person.id,
        ip=request.remote_addr or "",
        user_agent=(request.user_agent.string or "")[:300],
    )
    db.session.add(login)
    person.last_login_at = clock.utcnow()
    person.login_session_key = key
    login_user(person)
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
    logout_user()
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def revoke_all_sessions(person: Person, except_key: str | None = None) -> int:
    """End every login session of the person (password change, deactivation)."""
    stmt = update(LoginSession).where(
        LoginSession.person_id == person.id, LoginSession.revoked_at.is_(None)
    )
    if except_key:
        stmt = stmt.where(LoginSession.key_hash != _hash_key(except_key))
    result = db.session.execute(stmt.values(revoked_at=clock.utcnow()))
    return result.rowcount


def load_person(key: str) -> Person | None:
    """Flask-Login's user loader: the person behind a live login session, or None."""
    if not key:
        return None
    login = db.session.scalar(select(LoginSession).where(LoginSession.key_hash == _hash_key(key)))
    if login is None or login.revoked_at is not None:
        return None
    now = clock.utcnow()
    config = current_app.config
    idle = timedelta(minutes=config["SESSION_IDLE_MINUTES"])
    absolute = timedelta(hours=config["SESSION_ABSOLUTE_HOURS"])
    if now - login.last_seen_at > idle or now - login.created_at > absolute:
        login.revoked_at = now
        db.session.commit()
        return None
    person = db.session.get(Person, login.person_id)
    if person is None or not person.active:
        return None
    if now - login.last_seen_at > _TOUCH_EVERY:
        login.last_seen_at = now
        db.session.commit()
    person.login_session_key = key
    return person
