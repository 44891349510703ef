"""Login sessions kept on the server, so logging out really ends a session."""

from __future__ import annotations

from datetime import datetime

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
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")

    person: Mapped[Person] = relationship()
