"""The start page: what needs the person and what is new, by what the person is.

Each block is read for the roles it belongs to and is None for the others (the page leaves it
out); an empty list is a block with nothing in it (the page says what is fine). What a block
holds is limited to what the person may see: the networks it reads from are those whose
material the policy shows them, and each item found is asked of the policy again."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, select, true
from sqlalchemy.orm import aliased, contains_eager, joinedload

from intranet import clock
from intranet.actions.models import ActionItem, action_item_municipality, action_item_network
from intranet.authz import may, response_networks, roles_of
from intranet.consultations.models import (
    ConsultationResponse,
    ResponseSection,
    SectionComment,
    SectionRevision,
)
from intranet.consultations.review import Waiting, waiting_for
from intranet.documents.models import Document, PageRevision
from intranet.extensions import db
from intranet.meetings.models import MEETING_KINDS, Meeting
from intranet.meetings.services import windows_by_deadline
from intranet.notifications.models import OutgoingMail
from intranet.org.models import Appointment, Body, BodyKind, Municipality, Network
from intranet.states import ActionStatus, ResponseStatus

# How far ahead an action row's end date counts as soon, and a draft's internal deadline.
SOON_DAYS = 14
# What "new" and "changed" mean for a person who has not logged in before.
NEW_DAYS = 14
# The most items of a block (its list page, where it has one, shows the rest).
BLOCK_LIMIT = 8
# Responses not yet adopted: a body still has to handle them before their deadline.
OPEN_ACTION = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)
# How many of the nearest deadlines are read for those at risk.
AT_RISK_READ = 100
# The bodies that still have to handle a response at each of those stages.
_BOTH = frozenset({BodyKind.MANAGEMENT_GROUP, BodyKind.COMMITTEE})
_STILL_TO_HANDLE = {ResponseStatus.TRIAGE: _BOTH, ResponseStatus.DRAFT: _BOTH,
                    ResponseStatus.RETURNED: _BOTH, ResponseStatus.MANAGEMENT_REVIEW: _BOTH,
                    ResponseStatus.COMMITTEE_REVIEW: frozenset({BodyKind.COMMITTEE})}


@dataclass(frozen=True)
class Changed:
    """A section or a text page the person wrote that someone else changed since."""

    kind: str  # "section" or "page"
    title: str
    network: Network
    object_id: int  # the document's, or the response's for a section
    changed_at: datetime
    changed_by: str
    section_id: int | None = None


@dataclass(frozen=True)
class Draft:
    """A draft whose internal deadline (the management group meeting that can last handle
    it) is near or past, or which no meeting of the management group can handle before its
    deadline (then the deadline is given)."""

    response: ConsultationResponse
    internal_deadline: date | None
    meeting: Meeting | None


@dataclass(frozen=True)
class OpenComments:
    response: ConsultationResponse
    count: int


@dataclass(frozen=True)
class Gaps:
    """Municipalities without a current member in a network."""

    network: Network
    municipalities: list[Municipality]


@dataclass(frozen=True)
class AtRisk:
    """A response no meeting of a body can handle before its deadline."""

    response: ConsultationResponse
    bodies: list[str]  # the names of the bodies with no meeting in time


@dataclass
class StartPage:
    today: date
    since: datetime  # what is new counts from here: the person's previous login
    first_time: bool = False  # no previous login: the last NEW_DAYS days
    waiting: list[Waiting] = field(default_factory=list)
    new_referrals: list[ConsultationResponse] = field(default_factory=list)
    # Everyone (None: the block does not concern the person)
    replies: list[SectionComment] | None = None
    changed: list[Changed] | None = None
    due_actions: list[ActionItem] | None = None
    new_documents: list[Document] | None = None
    meetings: list[Meeting] | None = None
    # Conveners, of the networks they convene
    drafts: list[Draft] | None = None
    open_comments: list[OpenComments] | None = None
    network_terms: list[Appointment] | None = None
    network_gaps: list[Gaps] | None = None
    # Directors, of their municipalities
    positions_owed: bool = False  # the waiting list says which (their municipalities')
    municipality_gaps: list[Network] | None = None
    municipality_gap_count: int = 0
    municipality_terms: list[Appointment] | None = None
    municipality_names: list[str] = field(default_factory=list)
    # The secretariat (the mail that could not be sent: failed_mail, read on its own)
    triage: list[ConsultationResponse] | None = None
    at_risk: list[AtRisk] | None = None


def since_of(person) -> datetime:
    """What is new for the person counts from their previous login (14 days back at most
    the first time)."""
    previous = getattr(person, "previous_login_at", None)
    if previous is not None:
        return previous
    # From the start of a day, so that it stays the same all day (the page's cache key).
    return datetime.combine(clock.today() - timedelta(days=NEW_DAYS), datetime.min.time())


def start_page(person) -> StartPage:
    s = roles_of(person)
    today = clock.today()
    page = StartPage(today=today, since=since_of(person),
                     first_time=getattr(person, "previous_login_at", None) is None)
    members, convened, mine = list(s.members), list(s.convened), list(s.directs)
    # The referrals the person's networks have not decided on, then what waits for them.
    waiting = waiting_for(person, new_in=members)
    page.new_referrals = [w.response for w in waiting if not w.why]
    page.waiting = [w for w in waiting if w.why]

    page.replies = _replies(person, page.since)
    page.changed = _changed(person, page.since)
    municipality = s.municipality_id
    if members or municipality is not None:
        page.due_actions = _due_actions(person, members, municipality, today)
    if members:
        page.new_documents = _new_documents(person, members, page.since)
    kinds = _meeting_kinds_of(s)
    if kinds:
        page.meetings = _next_meetings(kinds, today)
    if convened:
        page.drafts = _drafts([w.response for w in page.waiting], convened, today)
        page.open_comments = _open_comments(person, convened)
        page.network_terms = _terms_ending(Appointment.network_id.in_(convened), today)
        page.network_gaps = _network_gaps(convened, today)
    if mine:
        page.positions_owed = True
        page.municipality_names = [m.name for m in db.session.scalars(
            select(Municipality).where(Municipality.id.in_(mine))
            .order_by(Municipality.position, Municipality.name))]
        page.municipality_gaps, page.municipality_gap_count = _municipality_gaps(mine, today)
        page.municipality_terms = _terms_ending(Appointment.municipality_id.in_(mine), today)
    if s.secretariat:
        page.triage = _triage()
        page.at_risk = _at_risk(today)
    return page


# ---------------------------------------------------------------- everyone


def _seen(person, items, response_of):
    """The items whose response the person may see (the policy, once per response)."""
    allowed: dict[int, bool] = {}
    kept = []
    for item in items:
        response = response_of(item)
        if response.id not in allowed:
            allowed[response.id] = may(person, "view_response", response)
        if allowed[response.id]:
            kept.append(item)
    return kept


def _replies(person, since: datetime) -> list[SectionComment]:
    """Others' replies to the person's comments in threads still open since `since`, newest
    first."""
    parent = aliased(SectionComment)
    after = since
    found = db.session.scalars(
        select(SectionComment)
        .join(parent, parent.id == SectionComment.parent_id)
        .join(ResponseSection, ResponseSection.id == SectionComment.section_id)
        .join(ConsultationResponse, ConsultationResponse.id == ResponseSection.response_id)
        .where(parent.author_id == person.id, parent.resolved_at.is_(None),
               SectionComment.author_id != person.id, SectionComment.created_at >= after,
               ResponseSection.deleted_at.is_(None),
               ConsultationResponse.network_id.in_(response_networks(person)))
        .options(joinedload(SectionComment.author),
                 joinedload(SectionComment.section).joinedload(ResponseSection.response)
                 .joinedload(ConsultationResponse.network))
        .order_by(SectionComment.created_at.desc(), SectionComment.id.desc())
        .limit(BLOCK_LIMIT)).all()
    return _seen(person, found, lambda c: c.section.response)


def _changed(person, since: datetime) -> list[Changed]:
    """Sections and text pages the person wrote a revision of that someone else saved a
    newer revision of since `since`: the newest such change of each, newest first."""
    found: list[Changed] = []
    rows = db.session.execute(
        _changed_by_others(person, SectionRevision, SectionRevision.section_id, since)
        .add_columns(ResponseSection, ConsultationResponse)
        .join(ResponseSection, ResponseSection.id == SectionRevision.section_id)
        .join(ConsultationResponse, ConsultationResponse.id == ResponseSection.response_id)
        .where(ResponseSection.deleted_at.is_(None),
               ConsultationResponse.network_id.in_(response_networks(person)))
        .options(joinedload(SectionRevision.created_by),
                 joinedload(ConsultationResponse.network))
        .order_by(SectionRevision.created_at.desc()).limit(BLOCK_LIMIT)).all()
    for revision, section, response in _seen(person, rows, lambda row: row[2]):
        found.append(Changed("section", f"{response.title}: {section.title}", response.network,
                             response.id, revision.created_at, _name(revision.created_by),
                             section.id))
    rows = db.session.execute(
        _changed_by_others(person, PageRevision, PageRevision.document_id, since)
        .add_columns(Document)
        .join(Document, Document.id == PageRevision.document_id)
        .where(Document.deleted_at.is_(None), Document.network_id.in_(Network.active_ids()))
        .options(joinedload(PageRevision.created_by), joinedload(Document.network))
        .order_by(PageRevision.created_at.desc()).limit(BLOCK_LIMIT)).all()
    for revision, document in rows:
        if may(person, "view_document", document):
            found.append(Changed("page", document.title, document.network, document.id,
                                 revision.created_at, _name(revision.created_by)))
    found.sort(key=lambda c: c.changed_at, reverse=True)
    return found[:BLOCK_LIMIT]


def _changed_by_others(person, revision, thing_id, since: datetime):
    """SQL: the newest revision of each thing (a section, a text page: `thing_id` is the
    revision's column naming it) the person wrote in, when someone else saved it since
    `since`. Wrote: a revision with text (one who made a section empty wrote nothing in
    it)."""
    mine = select(thing_id).where(revision.created_by_id == person.id, revision.body != "")
    newest = (select(thing_id.label("thing"), func.max(revision.number).label("n"))
              .where(thing_id.in_(mine)).group_by(thing_id).subquery())
    return (select(revision)
            .join(newest, (newest.c.thing == thing_id) & (newest.c.n == revision.number))
            .where(revision.created_by_id != person.id, revision.created_at >= since))


def _name(person) -> str:
    return person.name if person is not None else ""


def _due_actions(person, members: list[int], municipality: int | None,
                 today: date) -> list[ActionItem]:
    """Open action rows of the person's networks (their own, or naming them) and of their
    municipality, whose end date is within SOON_DAYS or past: the earliest first."""
    ours = []
    if members:
        ours.append(ActionItem.network_id.in_(members))
        ours.append(ActionItem.id.in_(select(action_item_network.c.action_item_id).where(
            action_item_network.c.network_id.in_(members))))
    if municipality is not None:
        ours.append(ActionItem.id.in_(select(action_item_municipality.c.action_item_id).where(
            action_item_municipality.c.municipality_id == municipality)))
    found = db.session.scalars(
        select(ActionItem)
        .where(or_(*ours), ActionItem.deleted_at.is_(None),
               ActionItem.status.in_([str(s) for s in OPEN_ACTION]),
               ActionItem.due_date.is_not(None),
               ActionItem.due_date <= today + timedelta(days=SOON_DAYS),
               ActionItem.network_id.in_(Network.active_ids()))
        .options(joinedload(ActionItem.network))
        .order_by(ActionItem.due_date, ActionItem.id).limit(BLOCK_LIMIT)).all()
    return [item for item in found if may(person, "view_actions", item.network)]


def _new_documents(person, members: list[int], since: datetime) -> list[Document]:
    """Documents added to the person's networks since `since` by someone else, newest
    first."""
    found = db.session.scalars(
        select(Document)
        .where(Document.network_id.in_(members), Document.network_id.in_(Network.active_ids()),
               Document.deleted_at.is_(None), Document.created_at >= since,
               or_(Document.created_by_id.is_(None), Document.created_by_id != person.id))
        .options(joinedload(Document.network), joinedload(Document.created_by))
        .order_by(Document.created_at.desc(), Document.id.desc()).limit(BLOCK_LIMIT)).all()
    return [document for document in found if may(person, "view_document", document)]


def _meeting_kinds_of(s) -> list[str]:
    """The bodies whose meetings are the person's: those they sit in (both for the
    secretariat, which keeps them)."""
    if s.secretariat:
        return list(MEETING_KINDS)
    return [kind for kind, sits in ((BodyKind.MANAGEMENT_GROUP, s.director),
                                    (BodyKind.COMMITTEE, s.committee)) if sits]


def _next_meetings(kinds: list[str], today: date) -> list[Meeting]:
    """The next meetings of the bodies of these kinds, with their bodies (one query)."""
    return list(db.session.scalars(
        select(Meeting).join(Meeting.body)
        .where(Body.kind.in_(kinds), Meeting.held_on >= today)
        .options(contains_eager(Meeting.body))
        .order_by(Meeting.held_on, Meeting.id).limit(3)))


# ---------------------------------------------------------------- conveners


def _drafts(waiting: list[ConsultationResponse], convened: list[int],
            today: date) -> list[Draft]:
    """The convened networks' drafts (and returned answers) whose internal deadline is within
    SOON_DAYS or past (the management group's meeting that can last handle it), or that no
    meeting of the management group can handle in time: among those waiting for the person
    (the nearest deadlines, which a convener's drafts and returned answers are)."""
    responses = [r for r in waiting if r.network_id in convened and r.deadline is not None
                 and r.status in (ResponseStatus.DRAFT, ResponseStatus.RETURNED)]
    if not responses:
        return []
    windows = windows_by_deadline([r.deadline for r in responses], today)
    found = []
    for response in responses:
        management = next((w for w in windows[response.deadline]
                           if w.body.kind == BodyKind.MANAGEMENT_GROUP), None)
        meeting = management.meeting if management else None
        internal = meeting.held_on if meeting is not None else response.deadline
        if meeting is None or internal <= today + timedelta(days=SOON_DAYS):
            found.append(Draft(response, internal, meeting))
    found.sort(key=lambda d: (d.internal_deadline, d.response.id))
    return found[:BLOCK_LIMIT]


def _open_comments(person, convened: list[int]) -> list[OpenComments]:
    """Responses being written in the convened networks with comments not resolved (a thread
    is resolved on its first comment), most first."""
    R = ConsultationResponse
    count = func.count(SectionComment.id)
    rows = db.session.execute(
        select(R, count)
        .join(R.network)
        .join(ResponseSection, ResponseSection.response_id == R.id)
        .join(SectionComment, SectionComment.section_id == ResponseSection.id)
        .where(R.network_id.in_(convened),
               R.status.in_([ResponseStatus.TRIAGE, ResponseStatus.DRAFT,
                             ResponseStatus.RETURNED]),
               SectionComment.parent_id.is_(None), SectionComment.resolved_at.is_(None),
               ResponseSection.deleted_at.is_(None))
        .where(Network.active())
        .group_by(R.id, Network.id).options(contains_eager(R.network))
        .order_by(count.desc(), R.id).limit(BLOCK_LIMIT)).all()
    return [OpenComments(r, n) for r, n in rows]


def _terms_ending(where, today: date) -> list[Appointment]:
    """Current appointments whose term ends within the reminders' notice (TERM_NOTICE_DAYS)."""
    horizon = today + timedelta(days=current_app.config["TERM_NOTICE_DAYS"])
    return list(db.session.scalars(
        select(Appointment)
        .where(where, Appointment.current_on(today), Appointment.to_date.is_not(None),
               Appointment.to_date <= horizon,
               Appointment.network_id.in_(Network.active_ids()))
        .options(joinedload(Appointment.person), joinedload(Appointment.network),
                 joinedload(Appointment.municipality))
        .order_by(Appointment.to_date, Appointment.id).limit(BLOCK_LIMIT)))


def _network_gaps(convened: list[int], today: date) -> list[Gaps]:
    """The municipalities without a current member in each convened network (one query)."""
    member = (select(Appointment.id)
              .where(Appointment.network_id == Network.id,
                     Appointment.municipality_id == Municipality.id,
                     Appointment.current_on(today)).exists())
    rows = db.session.execute(
        select(Network, Municipality).join(Municipality, true())  # each with each
        .where(Network.id.in_(convened), Network.active(), ~member)
        .order_by(Network.name, Network.id, Municipality.position, Municipality.name)).all()
    found: dict[int, Gaps] = {}
    for network, municipality in rows:
        found.setdefault(network.id, Gaps(network, [])).municipalities.append(municipality)
    return list(found.values())


# ---------------------------------------------------------------- directors


def _uncovered(mine: list[int], today: date):
    """SQL: active networks without a current member from one of the director's
    municipalities."""
    covered = (select(Appointment.network_id)
               .where(Appointment.municipality_id.in_(mine), Appointment.current_on(today))
               .group_by(Appointment.network_id)
               .having(func.count(func.distinct(Appointment.municipality_id)) == len(mine)))
    return (Network.active(), Network.id.not_in(covered))


def _municipality_gaps(mine: list[int], today: date) -> tuple[list[Network], int]:
    """The first of those networks, and how many there are (one query)."""
    rows = db.session.execute(
        select(Network, func.count().over()).where(*_uncovered(mine, today))
        .order_by(Network.name, Network.id).limit(BLOCK_LIMIT)).all()
    return [network for network, _ in rows], (rows[0][1] if rows else 0)


# ---------------------------------------------------------------- the secretariat


def _triage() -> list[ConsultationResponse]:
    """Referrals whose network has not decided how the municipalities answer, nearest
    deadline first."""
    R = ConsultationResponse
    return list(db.session.scalars(
        select(R).where(R.status == ResponseStatus.TRIAGE, R.network_id.in_(Network.active_ids()))
        .options(joinedload(R.network))
        .order_by(R.deadline.is_(None), R.deadline, R.id).limit(BLOCK_LIMIT)))


def _at_risk(today: date) -> list[AtRisk]:
    """Responses not yet adopted that a body still to handle them has no meeting for before
    their deadline (the rule that plans deadlines, meetings.services), the nearest deadline
    first. Whether a body has a meeting in time only grows with the deadline, so they are
    among the nearest deadlines: AT_RISK_READ of them are read."""
    R = ConsultationResponse
    responses = list(db.session.scalars(
        select(R).where(R.status.in_([str(s) for s in _STILL_TO_HANDLE]),
                        R.deadline.is_not(None), R.network_id.in_(Network.active_ids()))
        .options(joinedload(R.network)).order_by(R.deadline, R.id).limit(AT_RISK_READ)))
    windows = windows_by_deadline([r.deadline for r in responses], today)
    found = []
    for response in responses:
        missing = [w.body.name for w in windows[response.deadline]
                   if w.meeting is None and w.body.kind in _STILL_TO_HANDLE[response.status]]
        if missing or response.deadline < today:
            found.append(AtRisk(response, missing))
    return found[:BLOCK_LIMIT]


def failed_mail() -> tuple[list[OutgoingMail], int]:
    """Mail not sent whose last attempt failed, newest first, and how many there are (one
    query)."""
    rows = db.session.execute(
        select(OutgoingMail, func.count().over())
        .where(OutgoingMail.sent_at.is_(None), OutgoingMail.last_error != "")
        .order_by(OutgoingMail.created_at.desc(), OutgoingMail.id.desc()).limit(5)).all()
    return [mail for mail, _ in rows], (rows[0][1] if rows else 0)
