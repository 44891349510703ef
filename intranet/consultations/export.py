"""The response as a letter (yttrande): its data gathered from the database for
`letter.build_docx`, and the letter as sent kept as a document of the network."""

from __future__ import annotations

import io
from datetime import date

from sqlalchemy import select

from intranet import clock
from intranet.consultations import review
from intranet.consultations.letter import Letter, Signatory, Stance, build_docx, filename
from intranet.consultations.models import ConsultationResponse, EventKind, ResponseStatus
from intranet.documents.models import Document, Visibility
from intranet.documents.services import upload_file
from intranet.documents.storage import get_storage
from intranet.extensions import db
from intranet.org.models import Body, BodyKind, Cooperation, Person

CHAIR_TITLE = "Ordförande, Samarbetskommittén"
# Until the committee adopts it, every letter of a response is a draft (utkast).
FINAL = (ResponseStatus.ADOPTED, ResponseStatus.SENT)


def letter_for(response: ConsultationResponse, letter_date: date | None = None) -> Letter:
    """The letter as it stands now: adopted on the committee's meeting date, signed by the
    committee's chair, with the presenter named in the adoption (or the contact person);
    before the adoption, a draft."""
    cooperation = db.session.scalar(select(Cooperation))
    committee = db.session.scalar(select(Body).where(Body.kind == BodyKind.COMMITTEE))
    adopted = review.latest_event(response, EventKind.ADOPTED)
    sent = review.latest_event(response, EventKind.SENT)
    chair: Person | None = review.committee_chair()
    if adopted is not None and adopted.presenter_name:
        presenter = Signatory(adopted.presenter_name, adopted.presenter_title)
    elif response.contact_person is not None:
        presenter = Signatory(response.contact_person.name, response.contact_person.title)
    else:
        presenter = None
    stances = [_stance(row) for row in review.tracker(response)]
    return Letter(
        sender=cooperation.name if cooperation else "Södertörnskommunernas samarbete",
        sender_body=committee.name if committee else "Samarbetskommittén",
        recipient=response.referring_body,
        recipient_reference=response.reference_number,
        title=response.title,
        letter_date=letter_date or (sent.sent_on if sent else None) or clock.today(),
        sections=[(s.title, s.body) for s in response.live_sections],
        stances=stances,
        chair=Signatory(chair.name, CHAIR_TITLE) if chair else None,
        presenter=presenter,
        adopted_on=adopted.meeting_on if adopted else None,
        case_numbers=[(c.municipality.name, c.case_number) for c in
                      sorted(response.case_numbers, key=lambda c: c.municipality.position)],
        draft=response.status not in FINAL,
    )


def _stance(row: review.TrackerRow) -> Stance:
    """A municipality's position for the letter, with who entered it."""
    position = row.position
    if position is None:
        return Stance(row.municipality.name, "unstated")
    who = position.recorded_by
    if who is None:
        recorded_by = ""
    elif position.entered_on_behalf:
        recorded_by = who.name
    else:
        recorded_by = ", ".join(part for part in (who.name, who.title) if part)
    return Stance(row.municipality.name, position.stance, position.statement,
                  position.decision_reference, recorded_by=recorded_by,
                  on_behalf=position.entered_on_behalf, source=position.source)


def keep_letter(response: ConsultationResponse, person: Person, *,
                sent_on: date | None = None) -> Document:
    """Stores the letter as sent as a new document of the network, shared with everyone in
    the cooperation: it went out in all the municipalities' name, and the management group and
    the committee who decided it follow the link to it from the response."""
    letter = letter_for(response, letter_date=sent_on)
    return upload_file(
        response.network, person, io.BytesIO(build_docx(letter)), filename(letter),
        storage=get_storage(), title=f"Yttrande över {response.title}"[:200],
        description=f"Skickat till {response.referring_body} {letter.letter_date.isoformat()}.",
        tags=["remissvar", "yttrande"], visibility=Visibility.EVERYONE)
