"""The review path of a joint response: the network sends it to the management group, which
sends it on to the committee or returns it; the committee adopts or returns it; the secretariat
records that it was sent. Each municipality states its position on the way, and a deadline may
be extended. Every step saves a snapshot of the text, writes an audit row and a review event,
and queues mail for the people who must act next. Access (who, in which state) is the policy's;
these functions check the state again, so no caller can skip a step."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache

from flask_babel import format_date, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, false, func, or_, select, union_all
from sqlalchemy.orm import joinedload

from intranet import authz, clock
from intranet.audit.services import record
from intranet.consultations.forms import SECTION_LIMIT
from intranet.consultations.models import (
    IN_REVIEW,
    OPEN,
    WRITABLE,
    ConsultationResponse,
    EventKind,
    MunicipalPosition,
    ResponseSection,
    ResponseSnapshot,
    ResponseStatus,
    ReviewEvent,
    SectionRevision,
    Stance,
    allowed_transitions,
)
from intranet.consultations.services import TransitionRefused, municipalities, section_state
from intranet.editing import normalise_text
from intranet.extensions import db
from intranet.forms_flow import RuleError
from intranet.meetings.services import first_meeting
from intranet.notifications.services import queue
from intranet.org.models import (
    Appointment,
    Body,
    BodyKind,
    Municipality,
    Network,
    Officer,
    Person,
    Seat,
)
from intranet.text import genitive
from intranet.urls import external_url

S = ResponseStatus

# The name of the snapshot each step saves, and what the step is called in the history.
STEP_NAMES = {
    EventKind.SUBMITTED: _l("Skickat till ledningsgruppen"),
    EventKind.FORWARDED: _l("Skickat vidare till samarbetskommittén"),
    EventKind.RETURNED: _l("Återremitterat till nätverket"),
    EventKind.ADOPTED: _l("Antaget av samarbetskommittén"),
    EventKind.SENT: _l("Skickat till remissinstansen"),
    EventKind.EXTENDED: _l("Nytt svarsdatum (anstånd)"),
}
# An adoption with the committee's own changes to the text: its snapshot, and the step in
# the history.
ADOPTED_WITH_CHANGES = _l("Antaget med ändringar av samarbetskommittén")
STAGE_NAMES = {
    S.MANAGEMENT_REVIEW: _l("ledningsgruppen"),
    S.COMMITTEE_REVIEW: _l("samarbetskommittén"),
}


# ---------------------------------------------------------------- who is who


def _seat_holders(kind: str, officers: tuple[str, ...] = ()) -> list[Person]:
    stmt = (select(Person).join(Seat, Seat.person_id == Person.id).join(Seat.body)
            .where(Body.kind == kind, Seat.current_on(clock.today()), Person.active.is_(True)))
    if officers:
        stmt = stmt.where(Seat.officer.in_(officers))
    return list(db.session.scalars(stmt.distinct().order_by(Person.name)))


def directors() -> list[Person]:
    return _seat_holders(BodyKind.MANAGEMENT_GROUP)


def committee_members() -> list[Person]:
    return _seat_holders(BodyKind.COMMITTEE)


def committee_chair() -> Person | None:
    chairs = _seat_holders(BodyKind.COMMITTEE, (Officer.CHAIR,))
    return chairs[0] if chairs else None


def committee_officers() -> list[Person]:
    return _seat_holders(BodyKind.COMMITTEE, (Officer.CHAIR, Officer.VICE_CHAIR))


def secretariat() -> list[Person]:
    return _seat_holders(BodyKind.SECRETARIAT)


def network_members(network: Network) -> list[Person]:
    return list(db.session.scalars(
        select(Person).join(Appointment, Appointment.person_id == Person.id)
        .where(Appointment.network_id == network.id, Appointment.current_on(clock.today()),
               Person.active.is_(True))
        .distinct().order_by(Person.name)))


def _notify(people: list[Person], template: str, response: ConsultationResponse,
            actor: Person, **context) -> None:
    link = external_url("consultations.show", slug=response.network.slug,
                        response_id=response.id)
    for person in {p.id: p for p in people}.values():
        if person.id != actor.id:
            queue(person, template, response=response, actor=actor, link=link, **context)


# ---------------------------------------------------------------- the steps


def _step(response: ConsultationResponse, person: Person, kind: str, to_status: str, *,
          name=None, audit: str = "", audit_detail: dict | None = None,
          **fields) -> ReviewEvent:
    """Moves the response to `to_status` (if the path allows it), saves the snapshot (called
    `name`, else after the step) and the event and writes the audit row (`audit`, else after
    the step)."""
    if to_status not in allowed_transitions(response.status):
        raise TransitionRefused(_l("Remissvaret kan inte gå vidare så i det läge det är nu."))
    previous = response.status
    now = clock.utcnow()
    response.status = to_status
    response.updated_at = now
    snapshot = ResponseSnapshot(
        response=response, status=to_status, sections=section_state(response),
        name=f"{name or STEP_NAMES[kind]} {clock.today().isoformat()}", created_by=person,
        created_at=now)
    event = ReviewEvent(response=response, kind=kind, from_status=previous,
                        to_status=to_status, snapshot=snapshot, person=person, created_at=now,
                        **fields)
    db.session.add_all([snapshot, event])
    db.session.flush()
    record(audit or f"consultation_{kind}", actor=person, obj=response,
           network_id=response.network_id, old=previous, new=to_status,
           reason=fields.get("reason") or None, **(audit_detail or {}))
    return event


def _reason(text: str, message, field: str = "reason") -> str:
    text = (text or "").strip()
    if not text:
        raise RuleError(message, field)
    return text


def submit_for_review(response: ConsultationResponse, person: Person) -> ReviewEvent:
    """The network sends its draft (or the returned answer, reworked) to the management
    group."""
    if response.status not in WRITABLE:
        raise TransitionRefused(_l("Bara ett utkast eller ett återremitterat svar kan skickas "
                                   "till ledningsgruppen."))
    if not any(s.body.strip() for s in response.live_sections):
        raise RuleError(_l("Svaret har ingen text än. Skriv minst ett avsnitt innan det "
                           "skickas till ledningsgruppen."), None)
    event = _step(response, person, EventKind.SUBMITTED, S.MANAGEMENT_REVIEW)
    _notify(directors() + secretariat(), "consultation_to_management", response, person)
    return event


MANAGEMENT_DECISIONS = ("forward", "return")
COMMITTEE_DECISIONS = ("adopt", "adopt_changes", "return")


# ---------------------------------------------------------------- the decision's date

# The body that decides in each review state.
DECIDING_BODY = {S.MANAGEMENT_REVIEW: BodyKind.MANAGEMENT_GROUP,
                 S.COMMITTEE_REVIEW: BodyKind.COMMITTEE}


@dataclass(frozen=True)
class DecisionDates:
    """The dates a review body's decision on a response may carry (beslutsdatum): from the
    day the response reached the body to today. `earliest` is None when the path does not
    say when (a response put in review without its events)."""

    stage: str
    earliest: date | None
    latest: date

    def allows(self, day: date) -> bool:
        return day <= self.latest and (self.earliest is None or day >= self.earliest)

    def refusal(self) -> str:
        """What the person is told about a date outside the dates."""
        stage = STAGE_NAMES[self.stage]
        if self.earliest is None:
            return gettext("Beslutsdatum kan inte vara senare än i dag, %(today)s.",
                           today=format_date(self.latest, "long"))
        if self.earliest == self.latest:
            return gettext("Beslutsdatum måste vara i dag, %(today)s, eftersom svaret kom "
                           "till %(stage)s i dag.", today=format_date(self.latest, "long"),
                           stage=stage)
        return gettext("Beslutsdatum måste vara mellan %(first)s (då svaret kom till %(stage)s) "
                       "och i dag, %(today)s.", first=format_date(self.earliest, "long"),
                       stage=stage, today=format_date(self.latest, "long"))


def _local_day(moment: datetime) -> date:
    """The Swedish date of a moment stored as naive UTC."""
    return moment.replace(tzinfo=UTC).astimezone(clock.LOCAL_TZ).date()


def reached_on(response: ConsultationResponse) -> date | None:
    """The day the response reached the body reviewing it now: the management group's, the
    day the network sent it up; the committee's, the day the management group sent it on
    (its decision's date, or the day that was recorded when it has none)."""
    if response.status == S.MANAGEMENT_REVIEW:
        sent_up = latest_event(response, EventKind.SUBMITTED)
        return _local_day(sent_up.created_at) if sent_up else None
    if response.status == S.COMMITTEE_REVIEW:
        forwarded = latest_event(response, EventKind.FORWARDED)
        if forwarded is None:
            return None
        return forwarded.meeting_on or _local_day(forwarded.created_at)
    return None


def decision_dates(response: ConsultationResponse) -> DecisionDates | None:
    """The dates the decision of the body reviewing the response may carry; None when no
    body is reviewing it."""
    if response.status not in DECIDING_BODY:
        return None
    return DecisionDates(response.status, reached_on(response), clock.today())


def suggested_date(response: ConsultationResponse) -> date | None:
    """What the deciding body's form starts with: its first meeting on or after the day the
    response reached it, if that meeting has been held, else today. None when no body is
    reviewing the response."""
    dates = decision_dates(response)
    if dates is None:
        return None
    if dates.earliest is not None:
        meeting = first_meeting(DECIDING_BODY[response.status], dates.earliest)
        if meeting is not None and meeting.held_on <= dates.latest:
            return meeting.held_on
    return dates.latest


def _check_date(response: ConsultationResponse, meeting_on: date | None, field: str) -> None:
    dates = decision_dates(response)
    if meeting_on is not None and dates is not None and not dates.allows(meeting_on):
        raise RuleError(dates.refusal(), field)


def management_decision(response: ConsultationResponse, person: Person, decision: str, *,
                        reason: str = "", meeting_on: date | None = None) -> ReviewEvent:
    """The management group's decision, recorded by its chair or the secretariat: send the
    answer on to the committee, or return it to the network with a reason. The meeting's
    date, if given, lies between the day the answer was sent up and today."""
    if response.status != S.MANAGEMENT_REVIEW:
        raise TransitionRefused(_l("Svaret ligger inte hos ledningsgruppen."))
    _check_date(response, meeting_on, "mg_meeting_on")
    if decision == "forward":
        event = _step(response, person, EventKind.FORWARDED, S.COMMITTEE_REVIEW,
                      reason=(reason or "").strip(), meeting_on=meeting_on)
        _notify(committee_members() + secretariat(), "consultation_to_committee", response,
                person)
        return event
    if decision == "return":
        return _return(response, person, reason, meeting_on, "mg_reason")
    raise RuleError(_l("Välj ledningsgruppens beslut."), "mg_decision")


def _return(response: ConsultationResponse, person: Person, reason: str,
            meeting_on: date | None, field: str) -> ReviewEvent:
    """Either review sends the answer back to the network, with the reason it will see."""
    stage = STAGE_NAMES[response.status]
    text = _reason(reason, _l("Skriv varför svaret går tillbaka till nätverket."), field)
    event = _step(response, person, EventKind.RETURNED, S.RETURNED, reason=text,
                  meeting_on=meeting_on)
    _notify(network_members(response.network), "consultation_returned", response, person,
            event=event, stage=stage)
    return event


def committee_decision(response: ConsultationResponse, person: Person, decision: str, *,
                       meeting_on: date | None, reason: str = "", presenter_name: str = "",
                       presenter_title: str = "", adopt_anyway: bool = False,
                       texts: dict[int, str] | None = None) -> ReviewEvent:
    """The committee's decision at a meeting, recorded by its chair, vice chair or the
    secretariat: adopt the answer, adopt it with the wording the committee changed at the
    meeting (`texts`: each section's text by id, as the form had it), or return it to the
    network with a reason. The meeting's date lies between the day the management group
    sent the answer on and today. Adopting while a municipality has not stated its position
    needs `adopt_anyway`. Changed text is saved only with "adopt_changes", and that choice
    needs a change, so no typed change is dropped unnoticed."""
    if response.status != S.COMMITTEE_REVIEW:
        raise TransitionRefused(_l("Svaret ligger inte hos samarbetskommittén."))
    if meeting_on is None:
        raise RuleError(_l("Skriv mötets datum som ÅÅÅÅ-MM-DD."), "meeting_on")
    _check_date(response, meeting_on, "meeting_on")
    changed = changed_texts(response, texts or {})
    if decision in ("adopt", "adopt_changes"):
        if decision == "adopt" and changed:
            raise RuleError(_l("Du har ändrat texten i svaret. Välj ”Anta med ändringar” om "
                               "kommittén ändrade den, annars ändra tillbaka."), "decision")
        if decision == "adopt_changes" and not changed:
            raise RuleError(_l("Ingen text är ändrad. Ändra texten så som kommittén beslutade, "
                               "eller välj ”Anta svaret”."), "decision")
        missing = unstated(response)
        if missing and not adopt_anyway:
            raise RuleError(_l(
                "%(names)s har inte tagit ställning. Kryssa i rutan om kommittén antar svaret "
                "ändå.", names=", ".join(m.name for m in missing)), "adopt_anyway")
        if changed:
            _write_committee_texts(person, changed)
        event = _step(response, person, EventKind.ADOPTED, S.ADOPTED,
                      name=ADOPTED_WITH_CHANGES if changed else None,
                      audit="consultation_adopted_with_changes" if changed else "",
                      audit_detail={"sections": [s.id for s in changed]} if changed else None,
                      reason=(reason or "").strip(), meeting_on=meeting_on,
                      presenter_name=(presenter_name or "").strip()[:200],
                      presenter_title=(presenter_title or "").strip()[:200])
        _notify(secretariat(), "consultation_adopted", response, person, event=event,
                with_changes=bool(changed))
        return event
    if decision == "return":
        if changed:
            raise RuleError(_l("Vid återremiss sparas inga ändringar i texten. Skriv vad som "
                               "ska ändras i skälet, eller välj ”Anta med ändringar”."),
                            "decision")
        return _return(response, person, reason, meeting_on, "reason")
    raise RuleError(_l("Välj kommitténs beslut."), "decision")


def changed_texts(response: ConsultationResponse,
                  texts: dict[int, str]) -> dict[ResponseSection, str]:
    """The sections whose text in `texts` (by section id) differs from what is saved, with
    the new text; a section not in `texts` is unchanged."""
    changed = {}
    for section in response.live_sections:
        text = texts.get(section.id)
        if text is None:
            continue
        text = normalise_text(text)
        if text.strip() != section.body.strip():
            if len(text) > SECTION_LIMIT:
                raise RuleError(_l("Texten i ”%(title)s” är för lång (högst 100 000 tecken).",
                                   title=section.title), f"text_{section.id}")
            changed[section] = text
    return changed


def _write_committee_texts(person: Person, changed: dict[ResponseSection, str]) -> None:
    """The committee's wording, saved as a new revision of each section by the person who
    records the decision (the text is locked for the network in review, so this is the
    only writer; a save racing it fails on the section's version)."""
    now = clock.utcnow()
    for section, text in changed.items():
        number = (db.session.scalar(select(func.max(SectionRevision.number)).where(
            SectionRevision.section_id == section.id)) or 0) + 1
        section.body = text
        section.updated_by = person
        section.updated_at = now
        db.session.add(SectionRevision(section_id=section.id, number=number,
                                       title=section.title, body=text, created_by=person,
                                       created_at=now))
    db.session.flush()
    for section in changed:
        db.session.expire(section, ["revisions"])


def mark_sent(response: ConsultationResponse, person: Person, *, sent_on: date | None,
              sent_to: str, keep_letter=None) -> ReviewEvent:
    """The secretariat records that the adopted answer was sent; the letter as it went out is
    kept as a document of the network (`keep_letter()` stores it and returns the document,
    called once everything else is known to be in order)."""
    if response.status != S.ADOPTED:
        raise TransitionRefused(_l("Bara ett antaget svar kan markeras som skickat."))
    if sent_on is None:
        raise RuleError(_l("Skriv datumet då svaret skickades som ÅÅÅÅ-MM-DD."), "sent_on")
    if sent_on > clock.today():
        raise RuleError(_l("Datumet kan inte vara senare än i dag."), "sent_on")
    sent_to = (sent_to or "").strip()[:300]
    if not sent_to:
        raise RuleError(_l("Skriv vart svaret skickades."), "sent_to")
    document = keep_letter() if keep_letter is not None else None
    event = _step(response, person, EventKind.SENT, S.SENT, sent_on=sent_on, sent_to=sent_to,
                  document_id=document.id if document is not None else None)
    _notify(network_members(response.network), "consultation_sent", response, person,
            event=event)
    return event


def extend_deadline(response: ConsultationResponse, person: Person, *,
                    new_deadline: date | None, reason: str) -> ReviewEvent:
    """A new deadline granted by the referring body (anstånd), with the reason."""
    if response.status not in OPEN:
        raise TransitionRefused(_l("Svarsdatumet kan bara ändras medan svaret inte är antaget."))
    if new_deadline is None:
        raise RuleError(_l("Skriv det nya svarsdatumet som ÅÅÅÅ-MM-DD."), "new_deadline")
    if response.deadline and new_deadline <= response.deadline:
        raise RuleError(_l("Det nya svarsdatumet måste vara senare än det nuvarande."),
                        "new_deadline")
    text = _reason(reason, _l("Skriv varför svarsdatumet flyttas, till exempel vem som "
                              "beviljade anståndet."), "extension_reason")
    old = response.deadline
    response.deadline = new_deadline
    response.updated_at = clock.utcnow()
    event = ReviewEvent(response=response, kind=EventKind.EXTENDED, from_status=response.status,
                        to_status=response.status, reason=text, old_deadline=old,
                        new_deadline=new_deadline, person=person, created_at=clock.utcnow())
    db.session.add(event)
    db.session.flush()
    record("consultation_extended", actor=person, obj=response,
           network_id=response.network_id, old=old.isoformat() if old else None,
           new=new_deadline.isoformat(), reason=text)
    return event


# ---------------------------------------------------------------- positions


def get_position(response: ConsultationResponse, municipality_id: int) -> MunicipalPosition | None:
    return db.session.scalar(select(MunicipalPosition).where(
        MunicipalPosition.response_id == response.id,
        MunicipalPosition.municipality_id == municipality_id))


def record_position(response: ConsultationResponse, person: Person, municipality: Municipality,
                    *, stance: str, statement: str = "", decision_reference: str = "",
                    expected_version: int | None = None) -> MunicipalPosition:
    """A municipality states (or changes) where it stands, through its own director or
    committee member. A reservation or a dissent needs its text; a change made by someone
    else since the form was opened is refused, so nobody overwrites a colleague's text
    unseen."""
    return _save_position(response, person, municipality, stance=stance, statement=statement,
                          decision_reference=decision_reference,
                          expected_version=expected_version, source=None)


def record_position_on_behalf(response: ConsultationResponse, person: Person,
                              municipality: Municipality, *, source: str, stance: str,
                              statement: str = "", decision_reference: str = "",
                              expected_version: int | None = None) -> MunicipalPosition:
    """The secretariat records a municipality's position for it, from what the municipality
    said elsewhere: `source` says what ("enligt e-post från … den …"), and the tracker and
    the letter show that the secretariat entered it. The municipality's own people may
    replace it later as any position. The same rules as `record_position` otherwise."""
    source = " ".join((source or "").split())[:300]
    if not source:
        raise RuleError(_l("Skriv vad ställningstagandet bygger på, till exempel ”enligt "
                           "e-post från kommundirektören den 3 december 2026”."), "source")
    return _save_position(response, person, municipality, stance=stance, statement=statement,
                          decision_reference=decision_reference,
                          expected_version=expected_version, source=source)


def _save_position(response: ConsultationResponse, person: Person, municipality: Municipality,
                   *, stance: str, statement: str, decision_reference: str,
                   expected_version: int | None, source: str | None) -> MunicipalPosition:
    """Saves a position; `source` is None when the municipality's own people record it, else
    what the secretariat entered it from."""
    if response.status not in IN_REVIEW:
        raise TransitionRefused(_l("Kommunerna tar ställning medan svaret granskas."))
    if stance not in {s.value for s in Stance}:
        raise RuleError(_l("Välj kommunens ställningstagande."), "stance")
    statement = (statement or "").strip()
    if stance in (Stance.RESERVATION, Stance.AGAINST) and not statement:
        raise RuleError(
            _l("Skriv reservationen i sin helhet.") if stance == Stance.RESERVATION
            else _l("Skriv varför kommunen inte står bakom svaret."), "statement")
    position = get_position(response, municipality.id)
    if position is not None and expected_version != position.lock_version:
        who = position.recorded_by.name if position.recorded_by else "–"
        if source is None:
            raise RuleError(_l("%(who)s har ändrat kommunens ställningstagande medan du "
                               "skrev. Läs det nu sparade nedan och spara igen om ditt ska "
                               "gälla.", who=who), None)
        raise RuleError(_l("%(who)s har ändrat %(whose)s ställningstagande medan du "
                           "skrev. Läs det som nu är sparat i listan ovan och spara igen om "
                           "ditt ska gälla.", who=who, whose=genitive(municipality.name)), None)
    was_complete = not unstated(response)
    if position is None:
        position = MunicipalPosition(response=response, municipality=municipality)
        db.session.add(position)
    position.stance = stance
    position.statement = statement if stance != Stance.BEHIND else ""
    position.decision_reference = (decision_reference or "").strip()[:200]
    position.recorded_by = person
    position.recorded_at = clock.utcnow()
    position.entered_on_behalf = source is not None
    position.source = source or ""
    db.session.flush()
    db.session.expire(response, ["positions"])
    if source is None:
        record("consultation_position", actor=person, obj=response,
               network_id=response.network_id, municipality=municipality.name, stance=stance)
    else:
        record("consultation_position_on_behalf", actor=person, obj=response,
               network_id=response.network_id, municipality=municipality.name, stance=stance,
               source=source)
    if not was_complete and not unstated(response) and response.status == S.COMMITTEE_REVIEW:
        _notify(committee_officers() + secretariat(), "consultation_positions_complete",
                response, person)
    return position


@dataclass(frozen=True)
class TrackerRow:
    municipality: Municipality
    position: MunicipalPosition | None


def tracker(response: ConsultationResponse) -> list[TrackerRow]:
    """Every municipality, in order, with its position or None (not yet stated)."""
    by_municipality = {p.municipality_id: p for p in response.positions}
    return [TrackerRow(m, by_municipality.get(m.id)) for m in municipalities()]


def unstated(response: ConsultationResponse) -> list[Municipality]:
    return [row.municipality for row in tracker(response) if row.position is None]


def stated_counts(response_ids: list[int]) -> dict[int, int]:
    """How many municipalities have stated a position, per response."""
    if not response_ids:
        return {}
    return dict(db.session.execute(
        select(MunicipalPosition.response_id, func.count(MunicipalPosition.id))
        .where(MunicipalPosition.response_id.in_(response_ids))
        .group_by(MunicipalPosition.response_id)).all())


# ---------------------------------------------------------------- what changed


def baseline(response: ConsultationResponse) -> ResponseSnapshot | None:
    """What the text is compared with now: for the reviewers of the current stage, the text
    as this stage last saw it before (when the answer comes back after a return), else as
    the previous stage saw it; for the network working on a returned answer, the text as it
    was returned. None when there is nothing earlier to compare with."""
    if response.status == S.RETURNED:
        returned = [s for s in response.snapshots if s.status == S.RETURNED]  # newest first
        return returned[0] if returned else None
    if response.status not in IN_REVIEW:
        return None
    entries = [s for s in response.snapshots if s.status == response.status]  # newest first
    if len(entries) > 1:
        return entries[1]
    if response.status == S.COMMITTEE_REVIEW:
        earlier = [s for s in response.snapshots if s.status == S.MANAGEMENT_REVIEW]
        return earlier[0] if earlier else None
    return None


@dataclass(frozen=True)
class CommitteeChanges:
    """The committee adopted the answer with changes of its own: the text it received and
    the text it adopted."""

    received: ResponseSnapshot
    adopted: ResponseSnapshot
    meeting_on: date | None  # the meeting that adopted it


def committee_changes(response: ConsultationResponse) -> CommitteeChanges | None:
    """When the committee changed the text as it adopted the answer: the snapshot of the
    text it received and the one it adopted (told apart by their texts, so a plain
    adoption is never taken for one with changes). None otherwise."""
    adopted = latest_event(response, EventKind.ADOPTED)
    if adopted is None or adopted.snapshot is None:
        return None
    received = next((s for s in response.snapshots  # newest first
                     if s.status == S.COMMITTEE_REVIEW and s.id < adopted.snapshot.id), None)
    if received is None or received.sections == adopted.snapshot.sections:
        return None
    return CommitteeChanges(received, adopted.snapshot, adopted.meeting_on)


def latest_return(response: ConsultationResponse) -> ReviewEvent | None:
    returns = [e for e in response.events if e.kind == EventKind.RETURNED]
    return returns[-1] if returns else None


def latest_event(response: ConsultationResponse, kind: str) -> ReviewEvent | None:
    events = [e for e in response.events if e.kind == kind]
    return events[-1] if events else None


# ---------------------------------------------------------------- across networks


BOARD_ORDER = [S.MANAGEMENT_REVIEW, S.COMMITTEE_REVIEW, S.ADOPTED, S.RETURNED, S.DRAFT,
               S.TRIAGE, S.SENT]
BOARD_PREVIEW = 10  # per stage on the whole board; "show all" pages one stage
BOARD_LIMIT = 25  # per page of one stage


@dataclass(frozen=True)
class BoardGroup:
    status: str
    responses: list[ConsultationResponse]
    total: int


def _board_key(stage: str):
    """Nearest deadline first, none last; sent ones the latest first."""
    if stage == S.SENT:
        return lambda row: (row.deadline is None,
                            -(row.deadline.toordinal() if row.deadline else 0), -row.id)
    return lambda row: (row.deadline is None, row.deadline or date.min, row.id)


def _active_network():
    return ConsultationResponse.network_id.in_(Network.active_ids())


# The board's statements are built once per set of stages (building one costs more than
# running it); the number of rows each slice reads is a parameter.
@lru_cache(maxsize=32)
def _board_counts(statuses: tuple[str, ...]):
    R = ConsultationResponse
    return (select(R.status, func.count(R.id)).where(_active_network(), R.status.in_(statuses))
            .group_by(R.status))


@lru_cache(maxsize=256)
def _board_slices(stages: tuple[str, ...]):
    R = ConsultationResponse
    parts = []
    for stage in stages:
        dated = (R.deadline.desc(), R.id.desc()) if stage == S.SENT else (R.deadline, R.id)
        for condition, order in ((R.deadline.is_not(None), dated),
                                 (R.deadline.is_(None), (R.id,))):
            parts.append(select(R.id, R.status, R.deadline)
                         .where(_active_network(), R.status == stage, condition)
                         .order_by(*order).limit(bindparam("n")).subquery())
    return union_all(*(select(part) for part in parts))


def board(status: str = "", page: int = 1) -> list[BoardGroup]:
    """Responses across every active network, grouped by stage (what needs deciding first)
    and sorted by deadline within each group: the nearest first, the sent ones the latest
    first. The whole board shows the first BOARD_PREVIEW of each stage; one chosen stage is
    paged by BOARD_LIMIT.

    Three queries, however many stages and responses there are: the counts; the ids of each
    stage's slice, read in order from the index (status, deadline, id, network_id) and
    joined with UNION ALL, those with a deadline and those without apart (the index cannot
    put the missing ones last); and the rows with their networks."""
    R = ConsultationResponse
    statuses = tuple([status] if status in BOARD_ORDER else BOARD_ORDER)
    counts = dict(db.session.execute(_board_counts(statuses)).all())
    limit = BOARD_LIMIT if status else BOARD_PREVIEW
    offset = (max(page, 1) - 1) * limit if status else 0
    present = tuple(stage for stage in statuses if counts.get(stage))
    chosen: dict[str, list[int]] = {}
    if present:
        rows = db.session.execute(_board_slices(present), {"n": offset + limit}).all()
        for stage in statuses:
            mine = sorted((row for row in rows if row.status == stage), key=_board_key(stage))
            chosen[stage] = [row.id for row in mine[offset:offset + limit]]
    wanted = [i for ids in chosen.values() for i in ids]
    loaded = {r.id: r for r in db.session.scalars(
        select(R).where(R.id.in_(wanted)).options(joinedload(R.network)))} if wanted else {}
    return [BoardGroup(stage, [loaded[i] for i in chosen.get(stage, []) if i in loaded],
                       counts[stage])
            for stage in statuses if counts.get(stage)]


@dataclass(frozen=True)
class Waiting:
    response: ConsultationResponse
    why: str


WAITING_LIMIT = 20


# Why each of the policy's duties (intranet.authz.duties) waits for the person, in words.
WHY = {
    "management_decision": _l("Ledningsgruppens beslut ska registreras"),
    "committee_decision": _l("Kommitténs beslut ska registreras"),
    "send": _l("Antaget – ska skickas till remissinstansen"),
    "position": _l("Din kommun har inte tagit ställning"),
    "management_review": _l("Granskas av ledningsgruppen"),
    "committee_review": _l("Granskas av samarbetskommittén"),
    "returned": _l("Återremitterat – nätverket ska arbeta om svaret"),
    "triage": _l("Nätverket ska bestämma hur kommunerna svarar"),
    "draft": _l("Utkast som nätverket skriver"),
}


def _all_stated(municipalities: frozenset[int]):
    """The responses on which every one of these municipalities has stated its position."""
    return (select(MunicipalPosition.response_id)
            .where(MunicipalPosition.municipality_id.in_(sorted(municipalities) or [0]))
            .group_by(MunicipalPosition.response_id)
            .having(func.count(MunicipalPosition.id) >= max(len(municipalities), 1)))


def _why(duties: list[authz.Duty], response: ConsultationResponse, stated: bool) -> str | None:
    """The first duty that holds on the response gives the reason."""
    duty = next((d for d in duties if d.holds(response.status, response.network_id, stated)),
                None)
    return str(WHY[duty.kind]) if duty is not None else None


def waiting_for(person: Person, new_in: Iterable[int] = ()) -> list[Waiting]:
    """The responses waiting for this person, nearest deadline first, each with why: what
    the policy says waits for them (`authz.duties`), in one query whatever their roles.
    With `new_in` (networks), the referrals those networks have not decided on come first,
    why "" (the start page's "Ny remiss", read in the same query)."""
    duties = authz.duties(person)
    new_in = sorted(new_in)
    if not duties and not new_in:
        return []
    R = ConsultationResponse
    mine = next((d.municipalities for d in duties if d.municipalities), frozenset())
    stated = R.id.in_(_all_stated(mine))
    new = (and_(R.status == ResponseStatus.TRIAGE, R.network_id.in_(new_in)) if new_in
           else false())
    rows = db.session.execute(
        select(R, stated.label("stated"), new.label("new"))
        .where(or_(new, *(d.condition(R.status, R.network_id, stated) for d in duties)),
               R.network_id.in_(Network.active_ids()))
        .options(joinedload(R.network))
        .order_by(R.deadline.is_(None), R.deadline, R.id).limit(WAITING_LIMIT)).all()
    waiting = [Waiting(response, "" if is_new else _why(duties, response, bool(is_stated)))
               for response, is_stated, is_new in rows]
    return ([item for item in waiting if item.why == ""]
            + [item for item in waiting if item.why])
