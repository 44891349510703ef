"""Consultation responses with fixed ids in the test world's networks, for the authorization
matrix and the consultation tests: a joint draft in "plan" with three sections (the last one
removed), a comment thread and a snapshot, and a draft in "klimat" with its own section,
comment and snapshot."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from intranet.consultations.models import (
    ConsultationResponse,
    ResponseSection,
    ResponseSnapshot,
    ResponseStatus,
    SectionComment,
    SectionRevision,
)
from intranet.extensions import db

RESPONSE_ID, FOREIGN_RESPONSE_ID = 9301, 9302
SECTION_IDS = (9401, 9402, 9403)
FOREIGN_SECTION_ID = 9404
COMMENT_ID, REPLY_ID, FOREIGN_COMMENT_ID = 9501, 9502, 9503
SNAPSHOT_ID, FOREIGN_SNAPSHOT_ID = 9601, 9602


def _section(section_id, response, position, title, body, author_id, deleted=False):
    from intranet import clock

    section = ResponseSection(id=section_id, response=response, position=position, title=title,
                              body=body, updated_by_id=author_id,
                              deleted_at=clock.utcnow() if deleted else None)
    section.revisions.append(SectionRevision(number=1, title=title, body=body,
                                             created_by_id=author_id))
    return section


def build_consultations(app, world) -> SimpleNamespace:
    ids = world.ids
    with app.app_context():
        response = ConsultationResponse(
            id=RESPONSE_ID, network_id=ids.network, title="Kollektivtrafikplan 2050",
            referring_body="Region Stockholm", reference_number="RS 2021-0123",
            received_on=date(2026, 10, 1), deadline=date(2026, 12, 15),
            status=ResponseStatus.DRAFT, created_by_id=ids.member,
            contact_person_id=ids.convener)
        summary = _section(SECTION_IDS[0], response, 1, "Sammanfattning",
                           "Kommunerna välkomnar planen.", ids.member)
        _section(SECTION_IDS[1], response, 2, "Synpunkter", "Fler tvärförbindelser.",
                 ids.convener)
        _section(SECTION_IDS[2], response, 3, "Övrigt", "Inget.", ids.member, deleted=True)
        thread = SectionComment(id=COMMENT_ID, section=summary, author_id=ids.convener,
                                body="Kortare, tack.")
        SectionComment(id=REPLY_ID, section=summary, parent=thread, author_id=ids.member,
                       body="Jag kortar den.")
        response.snapshots.append(ResponseSnapshot(
            id=SNAPSHOT_ID, name="Första utkastet", status=ResponseStatus.DRAFT,
            sections=[{"id": SECTION_IDS[0], "title": "Sammanfattning", "body": "Planen."}],
            created_by_id=ids.member))
        db.session.add(response)

        foreign = ConsultationResponse(
            id=FOREIGN_RESPONSE_ID, network_id=ids.other_network, title="Klimatfärdplan",
            referring_body="Länsstyrelsen", deadline=date(2026, 12, 1),
            status=ResponseStatus.DRAFT, created_by_id=ids.other_member)
        foreign_section = _section(FOREIGN_SECTION_ID, foreign, 1, "Sammanfattning",
                                   "Klimatnätverkets text.", ids.other_member)
        SectionComment(id=FOREIGN_COMMENT_ID, section=foreign_section,
                       author_id=ids.other_member, body="Klimatets kommentar.")
        foreign.snapshots.append(ResponseSnapshot(
            id=FOREIGN_SNAPSHOT_ID, name="Klimatets version", status=ResponseStatus.DRAFT,
            sections=[], created_by_id=ids.other_member))
        db.session.add(foreign)
        db.session.commit()
    return SimpleNamespace(response=RESPONSE_ID, foreign=FOREIGN_RESPONSE_ID)
