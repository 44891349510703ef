"""The meetings of the committee and the management group: dates kept by the secretariat."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet import clock
from intranet.extensions import db
from intranet.org.models import Body, BodyKind

# The bodies that hold meetings, in the order they are shown (the management group prepares
# the committee's meetings, so it comes first).
MEETING_KINDS = (BodyKind.MANAGEMENT_GROUP, BodyKind.COMMITTEE)

TIME_LENGTH = 60
PLACE_LENGTH = 200


class Meeting(db.Model):
    """One meeting of a body on a day; a body meets at most once a day."""

    __tablename__ = "meeting"
    __table_args__ = (UniqueConstraint("body_id", "held_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    time_text: Mapped[str] = mapped_column(String(TIME_LENGTH), default="")
    place: Mapped[str] = mapped_column(String(PLACE_LENGTH), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    body: Mapped[Body] = relationship()

    __mapper_args__ = {"version_id_col": lock_version}

    def __repr__(self) -> str:
        return f"<Meeting {self.body_id} {self.held_on}>"
