"""What a person wrote in consultation responses, for Mina uppgifter."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from intranet.accounts.services import personal_data_provider
from intranet.consultations.models import (
    ConsultationResponse,
    MunicipalPosition,
    ResponseSection,
    ReviewEvent,
    SectionComment,
    SectionRevision,
)
from intranet.extensions import db
from intranet.org.models import Network


def _iso(value):
    return value.isoformat() if value is not None else None


@personal_data_provider
def written_sections(person):
    rows = db.session.execute(
        select(SectionRevision, ResponseSection, ConsultationResponse, Network.name)
        .join(ResponseSection, SectionRevision.section_id == ResponseSection.id)
        .join(ConsultationResponse, ResponseSection.response_id == ConsultationResponse.id)
        .join(Network, ConsultationResponse.network_id == Network.id)
        .where(SectionRevision.created_by_id == person.id).order_by(SectionRevision.created_at)
    ).all()
    return "consultation_sections_written", [
        {"response": r.title, "network": network, "section": rev.title,
         "revision": rev.number, "text": rev.body, "at": _iso(rev.created_at)}
        for rev, s, r, network in rows
    ]


@personal_data_provider
def written_comments(person):
    rows = db.session.execute(
        select(SectionComment, ResponseSection, ConsultationResponse, Network.name)
        .join(ResponseSection, SectionComment.section_id == ResponseSection.id)
        .join(ConsultationResponse, ResponseSection.response_id == ConsultationResponse.id)
        .join(Network, ConsultationResponse.network_id == Network.id)
        .where(SectionComment.author_id == person.id).order_by(SectionComment.created_at)
    ).all()
    return "consultation_comments_written", [
        {"response": r.title, "network": network, "section": s.title,
         "reply": c.parent_id is not None, "text": c.body, "at": _iso(c.created_at),
         "resolved_at": _iso(c.resolved_at)}
        for c, s, r, network in rows
    ]


@personal_data_provider
def recorded_positions(person):
    rows = db.session.scalars(
        select(MunicipalPosition).where(MunicipalPosition.recorded_by_id == person.id)
        .order_by(MunicipalPosition.recorded_at)
        .options(joinedload(MunicipalPosition.response), joinedload(MunicipalPosition.municipality))
    ).all()
    return "consultation_positions_recorded", [
        {"response": p.response.title, "municipality": p.municipality.name,
         "stance": p.stance, "text": p.statement, "decision": p.decision_reference,
         "at": _iso(p.recorded_at)}
        for p in rows
    ]


@personal_data_provider
def review_steps(person):
    rows = db.session.scalars(
        select(ReviewEvent).where(ReviewEvent.person_id == person.id)
        .order_by(ReviewEvent.created_at).options(joinedload(ReviewEvent.response))).all()
    return "consultation_review_steps", [
        {"response": e.response.title, "step": e.kind, "text": e.reason,
         "meeting": _iso(e.meeting_on), "at": _iso(e.created_at)}
        for e in rows
    ]
