"""The audit log: who did what to which object, when and from where."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet import clock
from intranet.extensions import db
from intranet.org.models import Person


class AuditEvent(db.Model):
    """One audited action. Never holds a password or a token."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(60), default="")
    object_id: Mapped[int | None] = mapped_column()
    ip: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[Person | None] = relationship()
