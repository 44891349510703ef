"""E-mail waiting to be delivered: written in the same transaction as the change it tells
about, delivered by the sender process, retried until it goes out."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from intranet import clock
from intranet.extensions import db


class OutgoingMail(db.Model):
    __tablename__ = "outgoing_mail"
    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # After a failed attempt, the sender waits until then before the next one (back-off).
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    # A sender is delivering it: no other sender takes it before then (one that died while
    # sending is taken over after).
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime)
