"""A joint consultation response (remissvar) of a network: the referral's facts, the triage
choice, the text in sections with revisions, comments on sections and named snapshots."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet import clock
from intranet.extensions import db
from intranet.org.models import Municipality, Network, Person

# The statuses and their transitions live below the policy and the domains, where the policy
# reads them too (intranet/states.py); the domain names them from here as ever.
from intranet.states import (  # noqa: F401
    IN_REVIEW,
    OPEN,
    TRANSITIONS,
    TRIAGE_CHOICES,
    WRITABLE,
    ResponseStatus,
    S,
    allowed_transitions,
)


class ConsultationResponse(db.Model):
    """A consultation response (remissvar) to a referral (remiss), kept by a network."""

    __tablename__ = "consultation_response"
    # The board reads each stage in deadline order, and its networks, from this index alone.
    __table_args__ = (Index("ix_consultation_response_board", "status", "deadline", "id",
                            "network_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    referring_body: Mapped[str] = mapped_column(String(200))
    reference_number: Mapped[str] = mapped_column(String(100), default="")
    received_on: Mapped[date | None] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date, index=True)
    contact_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    status: Mapped[str] = mapped_column(String(30), default=ResponseStatus.TRIAGE, index=True)
    no_answer_reason: Mapped[str] = mapped_column(Text, default="")
    referral_links: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    network: Mapped[Network] = relationship()
    contact_person: Mapped[Person | None] = relationship(foreign_keys=[contact_person_id])
    created_by: Mapped[Person | None] = relationship(foreign_keys=[created_by_id])
    case_numbers: Mapped[list[MunicipalCaseNumber]] = relationship(
        back_populates="response", cascade="all, delete-orphan")
    referral_documents: Mapped[list[ReferralDocument]] = relationship(
        back_populates="response", cascade="all, delete-orphan")
    sections: Mapped[list[ResponseSection]] = relationship(
        back_populates="response", cascade="all, delete-orphan",
        order_by="(ResponseSection.position, ResponseSection.id)")
    snapshots: Mapped[list[ResponseSnapshot]] = relationship(
        back_populates="response", cascade="all, delete-orphan",
        order_by="ResponseSnapshot.created_at.desc(), ResponseSnapshot.id.desc()")
    positions: Mapped[list[MunicipalPosition]] = relationship(
        back_populates="response", cascade="all, delete-orphan")
    events: Mapped[list[ReviewEvent]] = relationship(
        back_populates="response", cascade="all, delete-orphan",
        order_by="ReviewEvent.created_at, ReviewEvent.id")

    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def live_sections(self) -> list[ResponseSection]:
        return [s for s in self.sections if s.deleted_at is None]

    def days_left(self, today: date) -> int | None:
        return (self.deadline - today).days if self.deadline else None

    @property
    def is_written_here(self) -> bool:
        """A joint answer whose text the network may write now (not locked in review)."""
        return self.status in WRITABLE

    @property
    def is_joint(self) -> bool:
        """A joint answer, at any stage of its path."""
        return self.status in WRITABLE | IN_REVIEW | {S.ADOPTED, S.SENT}

    @property
    def in_review(self) -> bool:
        return self.status in IN_REVIEW

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


class MunicipalCaseNumber(db.Model):
    """A municipality's own case number (diarienummer) for the referral."""

    __tablename__ = "consultation_case_number"
    __table_args__ = (UniqueConstraint("response_id", "municipality_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("consultation_response.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    case_number: Mapped[str] = mapped_column(String(100))

    response: Mapped[ConsultationResponse] = relationship(back_populates="case_numbers")
    municipality: Mapped[Municipality] = relationship()


class ReferralDocument(db.Model):
    """One of the referral's own documents, attached as a document of the network."""

    __tablename__ = "consultation_attachment"
    __table_args__ = (UniqueConstraint("response_id", "document_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("consultation_response.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)

    response: Mapped[ConsultationResponse] = relationship(back_populates="referral_documents")
    document = relationship("Document")


class ResponseSection(db.Model):
    """A section (avsnitt) of the response's text, edited on its own. `lock_version` is the
    version counter: a save that started from an older version is a conflict. Its place in
    the list is written with plain UPDATEs, so moving never makes an open edit conflict."""

    __tablename__ = "consultation_section"
    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("consultation_response.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    response: Mapped[ConsultationResponse] = relationship(back_populates="sections")
    updated_by: Mapped[Person | None] = relationship(foreign_keys=[updated_by_id])
    revisions: Mapped[list[SectionRevision]] = relationship(
        back_populates="section", cascade="all, delete-orphan",
        order_by="SectionRevision.number.desc()")
    comments: Mapped[list[SectionComment]] = relationship(
        back_populates="section", cascade="all, delete-orphan",
        order_by="(SectionComment.created_at, SectionComment.id)")

    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def threads(self) -> list[SectionComment]:
        return [c for c in self.comments if c.parent_id is None]

    @property
    def open_comment_count(self) -> int:
        return sum(1 for c in self.comments if c.parent_id is None and c.resolved_at is None)


class SectionRevision(db.Model):
    """One saved revision of a section: every save adds one (who wrote what)."""

    __tablename__ = "consultation_revision"
    __table_args__ = (UniqueConstraint("section_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("consultation_section.id"), index=True)
    number: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    # What the person wrote that others changed since (the start page) is read by it.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)

    section: Mapped[ResponseSection] = relationship(back_populates="revisions")
    created_by: Mapped[Person | None] = relationship()


class SectionComment(db.Model):
    """A comment (kommentar) on a section, or a reply to one (one level deep). A thread is
    resolved on its first comment."""

    __tablename__ = "consultation_comment"
    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("consultation_section.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("consultation_comment.id"),
                                                  index=True)
    # Replies to the person's comments (the start page) are read by it.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    section: Mapped[ResponseSection] = relationship(back_populates="comments")
    author: Mapped[Person | None] = relationship(foreign_keys=[author_id])
    resolved_by: Mapped[Person | None] = relationship(foreign_keys=[resolved_by_id])
    parent: Mapped[SectionComment | None] = relationship(remote_side=[id])

    @property
    def replies(self) -> list[SectionComment]:
        return [c for c in self.section.comments if c.parent_id == self.id]


class ResponseSnapshot(db.Model):
    """A named version (version) of the whole response: each live section's id, title and
    text at that moment, in order."""

    __tablename__ = "consultation_snapshot"
    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("consultation_response.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(30))
    sections: Mapped[list] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)

    response: Mapped[ConsultationResponse] = relationship(back_populates="snapshots")
    created_by: Mapped[Person | None] = relationship()


class Stance(StrEnum):
    """A municipality's position (ställningstagande) on a joint response. Not yet stated is
    the absence of a row."""

    BEHIND = "behind"  # står bakom
    RESERVATION = "reservation"  # står bakom med reservation (text required)
    AGAINST = "against"  # står inte bakom (text required)


class MunicipalPosition(db.Model):
    """Where one municipality stands on a joint response, recorded by its director or its
    committee member, maybe with a reference to the municipality's own decision."""

    __tablename__ = "consultation_position"
    __table_args__ = (UniqueConstraint("response_id", "municipality_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("consultation_response.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    stance: Mapped[str] = mapped_column(String(20))
    statement: Mapped[str] = mapped_column(Text, default="")
    decision_reference: Mapped[str] = mapped_column(String(200), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    # Recorded by the secretariat for the municipality, from `source` (e.g. "enligt e-post
    # från … den …").
    entered_on_behalf: Mapped[bool] = mapped_column(Boolean, default=False,
                                                    server_default=false())
    source: Mapped[str] = mapped_column(String(300), default="", server_default="")
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    response: Mapped[ConsultationResponse] = relationship(back_populates="positions")
    municipality: Mapped[Municipality] = relationship()
    recorded_by: Mapped[Person | None] = relationship()

    __mapper_args__ = {"version_id_col": lock_version}


class EventKind(StrEnum):
    SUBMITTED = "submitted"  # the network sent it to the management group
    FORWARDED = "forwarded"  # the management group sent it on to the committee
    RETURNED = "returned"  # a review returned it to the network, with a reason
    ADOPTED = "adopted"  # the committee adopted it
    SENT = "sent"  # the secretariat sent it to the referring body
    EXTENDED = "extended"  # a new deadline was granted (anstånd), with a reason


class ReviewEvent(db.Model):
    """One step on a response's review path, or a deadline extension: who, when, why, the
    meeting that decided it and the snapshot of the text at that moment."""

    __tablename__ = "consultation_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("consultation_response.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str] = mapped_column(String(30), default="")
    to_status: Mapped[str] = mapped_column(String(30), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    meeting_on: Mapped[date | None] = mapped_column(Date)
    sent_on: Mapped[date | None] = mapped_column(Date)
    sent_to: Mapped[str] = mapped_column(String(300), default="")
    old_deadline: Mapped[date | None] = mapped_column(Date)
    new_deadline: Mapped[date | None] = mapped_column(Date)
    presenter_name: Mapped[str] = mapped_column(String(200), default="")
    presenter_title: Mapped[str] = mapped_column(String(200), default="")
    snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("consultation_snapshot.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)

    response: Mapped[ConsultationResponse] = relationship(back_populates="events")
    snapshot: Mapped[ResponseSnapshot | None] = relationship()
    document = relationship("Document")
    person: Mapped[Person | None] = relationship()
