"""Login sessions kept on the server, so logging out really ends a session."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet import clock
from intranet.extensions import db
from intranet.org.models import Person


class LoginSession(db.Model):
    """One login: the browser's signed cookie carries the key, the row holds its sha256.

    A row that is revoked, idle too long or too old no longer logs anyone in."""

    __tablename__ = "login_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    # When the password was last given in this session: sensitive actions need it recent.
    authenticated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")

    person: Mapped[Person] = relationship()


class TokenPurpose(StrEnum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"  # noqa: S105 (a purpose, not a password)


class AccountToken(db.Model):
    """A one-time link sent by e-mail (an invitation to set a password). Only the sha256 of
    the token is stored; it works once and until it expires."""

    __tablename__ = "account_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(30))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])


class PasswordResetRequest(db.Model):
    """Someone asked for a reset link for this address. The request only writes this row, the
    same for every address; the mail sender looks the address up, and mails a link if it
    belongs to an active person (auth.services.handle_reset_requests). The row is gone once
    handled, within seconds."""

    __tablename__ = "password_reset_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
