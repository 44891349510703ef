"""The organisation: municipalities, people, bodies and their seats, networks, appointments,
and the development programme's focus areas. All of it is data, none of it code."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from intranet import clock
from intranet.extensions import db
from intranet.text import sort_key


class BodyKind(StrEnum):
    COMMITTEE = "committee"
    MANAGEMENT_GROUP = "management_group"
    SECRETARIAT = "secretariat"


class Officer(StrEnum):
    CHAIR = "chair"
    VICE_CHAIR = "vice_chair"


class NetworkRole(StrEnum):
    MEMBER = "member"
    CONVENER = "convener"


class Cooperation(db.Model):
    """The cooperation itself (samarbetet): one row, its name shown in the header."""

    __tablename__ = "cooperation"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(60))


class Municipality(db.Model):
    """A member municipality (kommun)."""

    __tablename__ = "municipality"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    position: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<Municipality {self.name}>"


def _current(model, on: date):
    """SQL condition: the row's period covers the given day (to_date is exclusive)."""
    return and_(model.from_date <= on, or_(model.to_date.is_(None), model.to_date > on))


class Dated:
    """A row valid from from_date up to (not including) to_date; None means open-ended."""

    from_date: Mapped[date] = mapped_column(Date)
    to_date: Mapped[date | None] = mapped_column(Date)

    @classmethod
    def current_on(cls, on: date | None = None):
        return _current(cls, on or clock.today())

    def is_current(self, on: date | None = None) -> bool:
        on = on or clock.today()
        return self.from_date <= on and (self.to_date is None or self.to_date > on)


class Person(UserMixin, db.Model):
    """A person with an account: network members, directors, committee members, staff."""

    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Stored lower-cased, so the unique index is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"))
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    language: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The login before the last: what is new on the start page is new since then.
    previous_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    municipality: Mapped[Municipality | None] = relationship()
    seats: Mapped[list[Seat]] = relationship(
        back_populates="person", foreign_keys="Seat.person_id"
    )
    appointments: Mapped[list[Appointment]] = relationship(
        back_populates="person", foreign_keys="Appointment.person_id"
    )

    # Set by the user loader to the login session this request belongs to (auth.services).
    login_session_key = None

    @validates("email")
    def _normalise_email(self, _key, value: str) -> str:
        return normalise_email(value)

    def get_id(self) -> str | None:
        return self.login_session_key

    # Flask-Login's mixin compares users by get_id(), the login's key: None for everyone not
    # logged in through this request, so any two such people were "equal" (and `in` a list
    # of others). A person is one row, one object in a session.
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__

    @property
    def is_active(self) -> bool:
        return self.active

    def __repr__(self) -> str:
        return f"<Person {self.email}>"


def normalise_email(value: str) -> str:
    return (value or "").strip().lower()


class Body(db.Model):
    """A body of the cooperation: the committee (samarbetskommittén), the management group
    (ledningsgruppen) or the secretariat (kansliet)."""

    __tablename__ = "body"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    members_description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    seats: Mapped[list[Seat]] = relationship(back_populates="body")


class Seat(Dated, db.Model):
    """A person's seat in a body for a period, for a municipality, maybe as an officer."""

    __tablename__ = "seat"
    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"))
    officer: Mapped[str | None] = mapped_column(String(20))
    seat_title: Mapped[str] = mapped_column(String(200), default="")

    body: Mapped[Body] = relationship(back_populates="seats")
    person: Mapped[Person] = relationship(back_populates="seats", foreign_keys=[person_id])
    municipality: Mapped[Municipality | None] = relationship()


class FocusArea(db.Model):
    """A focus area (fokusområde) of the development programme, with its goal."""

    __tablename__ = "focus_area"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(30), default="")
    goal: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    sub_goals: Mapped[list[SubGoal]] = relationship(
        back_populates="focus_area", order_by="SubGoal.position"
    )


class SubGoal(db.Model):
    """A sub-goal (delmål) under a focus area."""

    __tablename__ = "sub_goal"
    __table_args__ = (UniqueConstraint("focus_area_id", "text"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    focus_area_id: Mapped[int] = mapped_column(ForeignKey("focus_area.id"), index=True)
    text: Mapped[str] = mapped_column(String(500))
    position: Mapped[int] = mapped_column(default=0)

    focus_area: Mapped[FocusArea] = relationship(back_populates="sub_goals")


network_focus_area = Table(
    "network_focus_area",
    db.Model.metadata,
    Column("network_id", ForeignKey("network.id"), primary_key=True),
    Column("focus_area_id", ForeignKey("focus_area.id"), primary_key=True),
)


# A key made in Python (`intranet.text.sort_key`), compared character by character:
# SQLite's default collation does; PostgreSQL's "C" collation does, whatever the database's.
SortKey = Text().with_variant(Text(collation="C"), "postgresql")


class Network(db.Model):
    """A chef network (chefsnätverk), staffed by appointed members from each municipality."""

    __tablename__ = "network"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed: lists are in network name order.
    name: Mapped[str] = mapped_column(String(200), index=True)
    # The name in Swedish order, kept with the name: the combined plan is in this order.
    name_key: Mapped[str] = mapped_column(SortKey, default="", server_default="", index=True)
    short_name: Mapped[str] = mapped_column(String(60))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    archived_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)

    focus_areas: Mapped[list[FocusArea]] = relationship(
        secondary=network_focus_area, order_by="FocusArea.position"
    )
    appointments: Mapped[list[Appointment]] = relationship(back_populates="network")

    @validates("name")
    def _keep_name_key(self, _key, value: str) -> str:
        self.name_key = sort_key(value)
        return value

    # Archived networks are hidden from every list (the secretariat's archive is the one that
    # shows them): these two say so in SQL, everywhere.
    @classmethod
    def active(cls):
        """SQL: the network is not archived."""
        return cls.archived_at.is_(None)

    @classmethod
    def active_ids(cls):
        """The ids of the networks not archived, for `x.network_id.in_(Network.active_ids())`."""
        return select(cls.id).where(cls.active())


class Appointment(Dated, db.Model):
    """A person's appointment (förordnande) to a network, for a municipality, from a date.

    Ending an appointment sets to_date (exclusive); rows are never deleted, so the history
    of who sat in a network stays."""

    __tablename__ = "appointment"
    # Current members per municipality and network, read from the index alone (the coverage
    # matrix's totals over every network).
    __table_args__ = (Index("ix_appointment_municipality_network_dates", "municipality_id",
                            "network_id", "from_date", "to_date"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default=NetworkRole.MEMBER)
    appointed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    # Set when someone ends the appointment or gives it a term (a planned end date).
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    end_reason: Mapped[str] = mapped_column(Text, default="")
    # The appointment this one took over from, when a member was replaced.
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id"))
    # When the two-week reminder before to_date went out.
    term_notice_sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    person: Mapped[Person] = relationship(back_populates="appointments", foreign_keys=[person_id])
    network: Mapped[Network] = relationship(back_populates="appointments")
    municipality: Mapped[Municipality] = relationship()
    appointed_by: Mapped[Person | None] = relationship(foreign_keys=[appointed_by_id])
    ended_by: Mapped[Person | None] = relationship(foreign_keys=[ended_by_id])
    replaces: Mapped[Appointment | None] = relationship(remote_side=[id])

    @property
    def is_convener(self) -> bool:
        return self.role == NetworkRole.CONVENER
