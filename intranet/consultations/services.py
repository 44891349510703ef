"""Reading and writing consultation responses. Every write records an audit row in the same
transaction; the caller commits once. Broken rules raise RuleError subclasses."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, exists, func, or_, select, update
from sqlalchemy.orm import joinedload, selectinload

from intranet import clock
from intranet.audit.models import AuditEvent
from intranet.audit.services import record
from intranet.consultations.models import (
    IN_REVIEW,
    TRIAGE_CHOICES,
    ConsultationResponse,
    MunicipalCaseNumber,
    MunicipalPosition,
    ReferralDocument,
    ResponseSection,
    ResponseSnapshot,
    ResponseStatus,
    ReviewEvent,
    SectionComment,
    SectionRevision,
    allowed_transitions,
)
from intranet.documents.models import Document
from intranet.editing import (
    Diff,
    EditConflict,
    VersionedTable,
    check_version,
    normalise_text,
    word_diff,
)
from intranet.extensions import db
from intranet.forms_flow import RuleError
from intranet.notifications.services import queue
from intranet.org.models import Municipality, Network, Person
from intranet.text import sort_key
from intranet.urls import external_url
from intranet.written import note_written

__all__ = ["EditConflict"]

compare = word_diff  # what changed between two versions, as the history compares them

# The usual outline of a Swedish yttrande: a summary first, views per part of the report,
# then anything else.
SUMMARY = "Sammanfattning"
VIEWS = "Synpunkter"
OTHER = "Övrigt"


class TransitionRefused(RuleError):
    pass


class SectionGone(RuleError):
    """The section was removed while someone edited it."""


class CommentRefused(RuleError):
    pass


# ---------------------------------------------------------------- reading


def get_response(network: Network, response_id: int,
                 for_page: bool = False) -> ConsultationResponse | None:
    """The response only when it belongs to this network (a foreign id is simply absent);
    `for_page` loads what its page shows with it."""
    return db.session.scalar(_RESPONSE_FOR_PAGE if for_page else _RESPONSE,
                             {"response_id": response_id, "network_id": network.id})


def section_history(response: ConsultationResponse) -> list[ResponseSection]:
    """Every section of the response, removed ones too, with every revision (newest first)
    and who saved it: two queries however many sections, revisions and people."""
    return list(db.session.scalars(
        select(ResponseSection).where(ResponseSection.response_id == response.id)
        .order_by(ResponseSection.position, ResponseSection.id)
        .options(selectinload(ResponseSection.revisions).joinedload(SectionRevision.created_by))))


# What a response's page shows, a query per kind however many sections, comments and
# positions there are: the many-to-one people joined in, the lists loaded "select in".
_PAGE_OPTIONS = (
    joinedload(ConsultationResponse.contact_person),
    selectinload(ConsultationResponse.case_numbers).joinedload(MunicipalCaseNumber.municipality),
    selectinload(ConsultationResponse.referral_documents).joinedload(ReferralDocument.document),
    selectinload(ConsultationResponse.sections).options(
        joinedload(ResponseSection.updated_by),
        selectinload(ResponseSection.comments).options(
            joinedload(SectionComment.author), joinedload(SectionComment.resolved_by))),
    selectinload(ConsultationResponse.snapshots),
    selectinload(ConsultationResponse.events).joinedload(ReviewEvent.person),
    selectinload(ConsultationResponse.positions).joinedload(MunicipalPosition.recorded_by),
)


# Built once: every request about a response starts with one of these.
_RESPONSE = select(ConsultationResponse).where(
    ConsultationResponse.id == bindparam("response_id"),
    ConsultationResponse.network_id == bindparam("network_id"))
_RESPONSE_FOR_PAGE = (_RESPONSE.options(*_PAGE_OPTIONS)
                      .execution_options(populate_existing=True))


def load_for_page(response: ConsultationResponse) -> ConsultationResponse:
    """The response again with what its page shows (after a failed form, say)."""
    return get_response(response.network, response.id, for_page=True)


_SECTION = select(ResponseSection).where(ResponseSection.id == bindparam("section_id"),
                                         ResponseSection.response_id == bindparam("response_id"))
_LIVE_SECTION = _SECTION.where(ResponseSection.deleted_at.is_(None))


def get_section(response: ConsultationResponse, section_id: int,
                include_removed: bool = False) -> ResponseSection | None:
    return db.session.scalar(_SECTION if include_removed else _LIVE_SECTION,
                             {"section_id": section_id, "response_id": response.id})


def _by_url(with_section: bool, include_removed: bool = False):
    statement = (select(Network, ConsultationResponse)
                 .outerjoin(ConsultationResponse,
                            and_(ConsultationResponse.network_id == Network.id,
                                 ConsultationResponse.id == bindparam("response_id"))))
    if with_section:
        live = () if include_removed else (ResponseSection.deleted_at.is_(None),)
        statement = (statement.add_columns(ResponseSection)
                     .outerjoin(ResponseSection,
                                and_(ResponseSection.response_id == ConsultationResponse.id,
                                     ResponseSection.id == bindparam("section_id"), *live)))
    return statement.where(Network.slug == bindparam("slug"))


_BY_URL = {"response": _by_url(False), "section": _by_url(True),
           "section or removed": _by_url(True, include_removed=True)}


def by_url(slug: str, response_id: int, section_id: int | None = None,
           include_removed: bool = False) -> tuple:
    """What a response's URL names, in one statement: (network, response) or, with a
    section id, (network, response, section); each None when not found. A response of
    another network, or a section of another response, is not found (no IDOR)."""
    if section_id is None:
        kind, params = "response", {"slug": slug, "response_id": response_id}
    else:
        kind = "section or removed" if include_removed else "section"
        params = {"slug": slug, "response_id": response_id, "section_id": section_id}
    row = db.session.execute(_BY_URL[kind], params).first()
    if row is None:
        return (None, None) if section_id is None else (None, None, None)
    return tuple(row)


def get_comment(response: ConsultationResponse, comment_id: int) -> SectionComment | None:
    return db.session.scalar(
        select(SectionComment).join(ResponseSection)
        .where(SectionComment.id == comment_id, ResponseSection.response_id == response.id,
               ResponseSection.deleted_at.is_(None)))


def get_snapshot(response: ConsultationResponse, snapshot_id: int) -> ResponseSnapshot | None:
    return db.session.scalar(select(ResponseSnapshot).where(
        ResponseSnapshot.id == snapshot_id, ResponseSnapshot.response_id == response.id))


def open_comment_counts(response_ids: list[int]) -> dict[int, int]:
    """Open comment threads per response."""
    if not response_ids:
        return {}
    # coalesce(): "top-level comment" must not pick the parent_id index, which SQLite would
    # otherwise walk for every thread start in the database instead of the sections' comments.
    rows = db.session.execute(
        select(ResponseSection.response_id, func.count(SectionComment.id))
        .join(SectionComment, SectionComment.section_id == ResponseSection.id)
        .where(ResponseSection.response_id.in_(response_ids),
               ResponseSection.deleted_at.is_(None),
               func.coalesce(SectionComment.parent_id, 0) == 0,
               SectionComment.resolved_at.is_(None))
        .group_by(ResponseSection.response_id)).all()
    return dict(rows)


# The list's groups, in order: what is being worked on first.
LIST_ORDER = [ResponseStatus.TRIAGE, ResponseStatus.DRAFT, ResponseStatus.RETURNED,
              ResponseStatus.MANAGEMENT_REVIEW, ResponseStatus.COMMITTEE_REVIEW,
              ResponseStatus.ADOPTED, ResponseStatus.SENT, ResponseStatus.INDIVIDUAL,
              ResponseStatus.NOT_ANSWERING]


def list_responses(network: Network, status: str = "") -> list[ConsultationResponse]:
    stmt = (select(ConsultationResponse).where(ConsultationResponse.network_id == network.id)
            .options(selectinload(ConsultationResponse.contact_person)))
    if status:
        stmt = stmt.where(ConsultationResponse.status == status)
    responses = list(db.session.scalars(stmt))
    # Nearest deadline first; responses without a deadline last.
    responses.sort(key=lambda r: (r.deadline is None, r.deadline or date.max, r.id))
    return responses


def group_by_status(responses: list[ConsultationResponse]) -> list[tuple[str, list]]:
    groups = []
    for status in LIST_ORDER + sorted({r.status for r in responses} - set(LIST_ORDER)):
        rows = [r for r in responses if r.status == status]
        if rows:
            groups.append((status, rows))
    return groups


def network_people(network: Network) -> list[Person]:
    """People who may be the contact person: the network's current members."""
    from intranet.org.models import Appointment

    today = clock.today()
    return list(db.session.scalars(
        select(Person).join(Appointment, Appointment.person_id == Person.id)
        .where(Appointment.network_id == network.id, Appointment.current_on(today),
               Person.active.is_(True))
        .distinct().order_by(Person.name)))


def network_documents(network: Network) -> list[Document]:
    return list(db.session.scalars(
        select(Document).where(Document.network_id == network.id,
                               Document.deleted_at.is_(None)).order_by(func.lower(Document.title))))


def municipalities() -> list[Municipality]:
    return list(db.session.scalars(select(Municipality).order_by(Municipality.position)))


_URL = re.compile(r"https?://\S+", re.IGNORECASE)


def parse_links(text: str) -> list[tuple[str, str]]:
    """Links from a text, one per line: "title https://…" or only the address. Lines
    without an http(s) address are left out."""
    links = []
    for line in (text or "").splitlines():
        match = _URL.search(line)
        if not match:
            continue
        url = match.group(0)
        title = (line[:match.start()] + line[match.end():]).strip(" -–:|\t") or url
        links.append((title, url))
    return links


# ---------------------------------------------------------------- the response


@dataclass
class Details:
    title: str
    referring_body: str
    reference_number: str = ""
    received_on: date | None = None
    deadline: date | None = None
    contact_person_id: int | None = None
    referral_links: str = ""
    document_ids: tuple[int, ...] = ()
    case_numbers: dict[int, str] | None = None


def _apply_details(response: ConsultationResponse, details: Details) -> None:
    """The details from the form, checked against the network and written on the response:
    its fields, the referral's documents and the municipalities' case numbers."""
    network = response.network
    _check_details(network, details)
    documents = _referral_document_ids(network, details.document_ids)
    response.title = details.title.strip()[:300]
    response.referring_body = details.referring_body.strip()[:200]
    response.reference_number = details.reference_number.strip()[:100]
    response.received_on = details.received_on
    response.deadline = details.deadline
    response.contact_person_id = details.contact_person_id
    response.referral_links = normalise_text(details.referral_links).strip()
    _set_referral_documents(response, documents)
    if details.case_numbers is not None:
        _set_case_numbers(response, details.case_numbers)


def _check_details(network: Network, details: Details) -> None:
    if details.received_on and details.deadline and details.deadline < details.received_on:
        raise RuleError(_l("Svarsdatumet kan inte vara före datumet då remissen kom in."),
                        "deadline")
    if details.contact_person_id is not None and details.contact_person_id not in {
        p.id for p in network_people(network)
    }:
        raise RuleError(_l("Välj en kontaktperson bland nätverkets ledamöter."),
                        "contact_person_id")


def _referral_document_ids(network: Network, document_ids: tuple[int, ...]) -> list[int]:
    """The documents chosen as the referral's, each once in the order chosen, of those the
    network has (any other id is left out)."""
    allowed = {d.id for d in network_documents(network)}
    return [i for i in dict.fromkeys(document_ids) if i in allowed]


def _set_referral_documents(response: ConsultationResponse, document_ids: list[int]) -> None:
    response.referral_documents[:] = [
        d for d in response.referral_documents if d.document_id in document_ids]
    have = {d.document_id for d in response.referral_documents}
    for document_id in document_ids:
        if document_id not in have:
            response.referral_documents.append(ReferralDocument(document_id=document_id))


def _set_case_numbers(response: ConsultationResponse, case_numbers: dict[int, str]) -> None:
    """The municipalities' own case numbers (diarienummer): one left blank is removed, and
    an id that is no municipality's is left out."""
    known = {m.id for m in municipalities()}
    wanted = {k: v.strip()[:100] for k, v in case_numbers.items()
              if k in known and v and v.strip()}
    response.case_numbers[:] = [c for c in response.case_numbers
                                if c.municipality_id in wanted]
    for row in response.case_numbers:
        row.case_number = wanted[row.municipality_id]
    have = {c.municipality_id for c in response.case_numbers}
    for municipality_id, number in wanted.items():
        if municipality_id not in have:
            response.case_numbers.append(
                MunicipalCaseNumber(municipality_id=municipality_id, case_number=number))


def create_response(network: Network, author: Person, details: Details, *,
                    answer: str = ResponseStatus.TRIAGE, reason: str = "",
                    report_parts: list[str] | None = None) -> ConsultationResponse:
    """A new response. With the triage choice made at once (`answer`), a joint answer
    starts from the template."""
    now = clock.utcnow()
    response = ConsultationResponse(network=network, status=ResponseStatus.TRIAGE,
                                    created_by=author, created_at=now, updated_at=now)
    _apply_details(response, details)
    db.session.add(response)
    db.session.flush()
    record("consultation_created", actor=author, obj=response, network_id=network.id,
           title=response.title)
    if answer != ResponseStatus.TRIAGE:
        decide(response, author, answer, reason=reason, report_parts=report_parts)
    return response


def update_response(response: ConsultationResponse, editor: Person, details: Details, *,
                    expected_version: int | None) -> None:
    if response.status in IN_REVIEW | {ResponseStatus.ADOPTED, ResponseStatus.SENT}:
        raise TransitionRefused(_l("Uppgifterna är låsta medan svaret granskas och när det är "
                                   "antaget. Ett nytt svarsdatum registreras som anstånd."), None)
    if expected_version != response.lock_version:
        raise RuleError(_l("Någon annan har ändrat uppgifterna medan du skrev. Kontrollera "
                           "dem nedan och spara igen."), None)
    _apply_details(response, details)
    response.updated_at = clock.utcnow()
    db.session.flush()
    record("consultation_updated", actor=editor, obj=response, network_id=response.network_id)


def decide(response: ConsultationResponse, person: Person, status: str, *, reason: str = "",
           report_parts: list[str] | None = None) -> None:
    """The triage choice (or a change of it): a joint answer, individual answers or none."""
    if status not in TRIAGE_CHOICES or status not in allowed_transitions(response.status):
        raise TransitionRefused(_l("Remissvaret kan inte få den statusen nu."), "answer")
    reason = (reason or "").strip()
    if status == ResponseStatus.NOT_ANSWERING and not reason:
        raise RuleError(_l("Skriv varför kommunerna inte svarar på remissen."), "reason")
    previous = response.status
    response.status = status
    response.no_answer_reason = reason if status == ResponseStatus.NOT_ANSWERING else ""
    response.updated_at = clock.utcnow()
    db.session.flush()
    if status == ResponseStatus.DRAFT and not response.sections:
        add_template(response, person, report_parts or [])
    record("consultation_status_changed", actor=person, obj=response,
           network_id=response.network_id, old=previous, new=status)


# "Synpunkter: Kapitel 3" typed as a part is the part "Kapitel 3".
_VIEWS_PREFIX = re.compile(rf"^\s*{VIEWS}\s*:\s*", re.IGNORECASE)


def template_titles(report_parts: list[str]) -> list[str]:
    """The template's section titles: Sammanfattning, "Synpunkter: <part>" for each part of
    the report typed (one "Synpunkter" without any), Övrigt. A part that is one of these
    sections itself, or that was typed before, adds nothing."""
    parts: dict[str, str] = {}
    automatic = {_words_key(title) for title in (SUMMARY, VIEWS, OTHER)}
    for line in report_parts:
        part = _VIEWS_PREFIX.sub("", line, count=1).strip()[:180]
        key = _words_key(part)
        if key and key not in automatic:
            parts.setdefault(key, part)
    views = [f"{VIEWS}: {p}" for p in parts.values()] or [VIEWS]
    return [SUMMARY, *views, OTHER]


def add_template(response: ConsultationResponse, person: Person,
                 report_parts: list[str]) -> None:
    for title in template_titles(report_parts):
        _new_section(response, person, title)


# ---------------------------------------------------------------- sections


def _next_position(response: ConsultationResponse) -> int:
    return (db.session.scalar(select(func.max(ResponseSection.position)).where(
        ResponseSection.response_id == response.id)) or 0) + 1


def _new_section(response, person, title, body="") -> ResponseSection:
    now = clock.utcnow()
    section = ResponseSection(response=response, position=_next_position(response),
                              title=title.strip()[:200], body=normalise_text(body),
                              updated_by=person, updated_at=now)
    section.revisions.append(SectionRevision(number=1, title=section.title, body=section.body,
                                             created_by=person, created_at=now))
    db.session.add(section)
    db.session.flush()
    return section


def _require_draft(response: ConsultationResponse) -> None:
    if response.is_joint and not response.is_written_here:
        raise TransitionRefused(_l("Svaret har lämnats vidare och är låst för ändringar. "
                                   "Kopiera det du skrev om du behöver det senare."))
    if not response.is_written_here:
        raise TransitionRefused(_l("Texten skrivs bara när kommunerna svarar gemensamt."))


def add_section(response: ConsultationResponse, person: Person, title: str) -> ResponseSection:
    _require_draft(response)
    if not title.strip():
        raise RuleError(_l("Skriv en rubrik för avsnittet."), "title")
    section = _new_section(response, person, title)
    record("consultation_section_added", actor=person, obj=section,
           response_id=response.id, title=section.title)
    return section


# A section's save: its row with the next version, and the revision numbered in its INSERT.
_SECTIONS = VersionedTable(ResponseSection, "lock_version", revisions=SectionRevision,
                           owner="section_id")


def save_section(section: ResponseSection, editor: Person, *, expected_version: int | None,
                 title: str, body: str) -> int | None:
    """A new revision (its number is returned; None when the title and text are as saved),
    unless the section changed since the editor opened it: then EditConflict with the
    editor's text kept, and nothing written. A save that loses the race between this check
    and its UPDATE raises StaleDataError, as the unit of work would."""
    if section.deleted_at is not None:
        raise SectionGone(_l("Avsnittet har tagits bort medan du skrev."))
    _require_draft(section.response)
    body = normalise_text(body)
    check_version(expected_version, section.lock_version, body, section.body)
    title = title.strip()[:200]
    if title == section.title and body == section.body:
        return None  # nothing changed: no new revision (one would conflict with others' edits)
    now, changed_editor = clock.utcnow(), section.updated_by_id != editor.id
    # The section first: its row stays locked to this transaction until it commits, so
    # two saves never take the same revision number.
    _SECTIONS.write(section, {"title": title, "body": body, "updated_by_id": editor.id,
                              "updated_at": now})
    number = _SECTIONS.add_revision(section.id, {"title": title, "body": body,
                                                 "created_by_id": editor.id,
                                                 "created_at": now})
    # What the loaded section refers to that these statements changed.
    db.session.expire(section, ["revisions", "updated_by"] if changed_editor else ["revisions"])
    record("consultation_section_saved", actor=editor, obj=section,
           response_id=section.response_id, revision=number)
    return number


def move_section(section: ResponseSection, person: Person, direction: int) -> bool:
    """Swaps the section with its neighbour above (-1) or below (+1); plain UPDATEs, so
    nobody's open edit conflicts."""
    _require_draft(section.response)
    live = section.response.live_sections
    index = live.index(section)
    other_index = index + direction
    if other_index < 0 or other_index >= len(live):
        return False
    # Positions are renumbered in the list's order first, so equal positions cannot stick.
    order = list(live)
    order[index], order[other_index] = order[other_index], order[index]
    for position, item in enumerate(order, 1):
        db.session.execute(update(ResponseSection).where(ResponseSection.id == item.id)
                           .values(position=position))
    record("consultation_section_moved", actor=person, obj=section,
           response_id=section.response_id, direction=direction)
    db.session.expire(section.response, ["sections"])
    return True


def remove_section(section: ResponseSection, person: Person) -> None:
    """Soft delete: the section stays in its history and in snapshots."""
    _require_draft(section.response)
    db.session.execute(update(ResponseSection).where(ResponseSection.id == section.id)
                       .values(deleted_at=clock.utcnow(), deleted_by_id=person.id))
    note_written(db.session(), ResponseSection, [section.id])
    record("consultation_section_removed", actor=person, obj=section,
           response_id=section.response_id, title=section.title)
    db.session.expire(section)


def restore_section(section: ResponseSection, person: Person) -> None:
    """A removed section comes back, last in the list, with its text and comments."""
    _require_draft(section.response)
    position = _next_position(section.response)
    db.session.execute(update(ResponseSection).where(ResponseSection.id == section.id)
                       .values(deleted_at=None, deleted_by_id=None, position=position))
    note_written(db.session(), ResponseSection, [section.id])
    record("consultation_section_restored", actor=person, obj=section,
           response_id=section.response_id, title=section.title)
    db.session.expire(section)
    db.session.expire(section.response, ["sections"])


# ---------------------------------------------------------------- comments


def add_comment(section: ResponseSection, author: Person, body: str,
                parent: SectionComment | None = None) -> SectionComment:
    body = normalise_text(body).strip()
    if not body:
        raise CommentRefused(_l("Skriv en kommentar."), "body")
    if parent is not None:
        if parent.section_id != section.id:
            raise CommentRefused(_l("Svaret hör inte till det här avsnittet."), "body")
        parent = parent.parent or parent  # replies are one level deep
    comment = SectionComment(section=section, author=author, body=body, parent=parent,
                             created_at=clock.utcnow())
    db.session.add(comment)
    db.session.flush()
    record("consultation_comment_added", actor=author, obj=comment,
           response_id=section.response_id, section_id=section.id, reply=parent is not None)
    return comment


def set_resolved(comment: SectionComment, person: Person, resolved: bool) -> None:
    thread = comment.parent or comment
    if resolved:
        thread.resolved_at = clock.utcnow()
        thread.resolved_by = person
    else:
        thread.resolved_at = None
        thread.resolved_by = None
    db.session.flush()
    record("consultation_comment_resolved" if resolved else "consultation_comment_reopened",
           actor=person, obj=thread, response_id=thread.section.response_id)


# ---------------------------------------------------------------- snapshots and comparison


def section_state(response: ConsultationResponse) -> list[dict]:
    return [{"id": s.id, "title": s.title, "body": s.body} for s in response.live_sections]


def save_snapshot(response: ConsultationResponse, person: Person, name: str) -> ResponseSnapshot:
    name = (name or "").strip()[:200]
    if not name:
        raise RuleError(_l("Ge versionen ett namn."), "name")
    snapshot = ResponseSnapshot(response=response, name=name, status=response.status,
                                sections=section_state(response), created_by=person,
                                created_at=clock.utcnow())
    db.session.add(snapshot)
    db.session.flush()
    record("consultation_snapshot_saved", actor=person, obj=snapshot,
           response_id=response.id, name=name)
    return snapshot


@dataclass(frozen=True)
class SectionChange:
    """One section in a comparison: `kind` is "same", "changed", "added" or "removed"."""

    kind: str
    old_title: str
    new_title: str
    title_diff: Diff
    body_diff: Diff


def compare_sections(old: list[dict], new: list[dict]) -> list[SectionChange]:
    """Section by section, matched by section id: the newer order, with sections only in the
    older state placed after their predecessor."""
    old_by_id = {s["id"]: s for s in old}
    new_ids = {s["id"] for s in new}
    changes: list[SectionChange] = []

    def removed(section):
        return SectionChange("removed", section["title"], "",
                             compare(section["title"], ""), compare(section["body"], ""))

    # Removed sections that came before any kept one.
    for section in old:
        if section["id"] in new_ids:
            break
        changes.append(removed(section))
    for section in new:
        before = old_by_id.get(section["id"])
        if before is None:
            changes.append(SectionChange("added", "", section["title"],
                                         compare("", section["title"]),
                                         compare("", section["body"])))
            continue
        title_diff = compare(before["title"], section["title"])
        body_diff = compare(before["body"], section["body"])
        kind = "changed" if title_diff.changed or body_diff.changed else "same"
        changes.append(SectionChange(kind, before["title"], section["title"], title_diff,
                                     body_diff))
        # Sections removed since, that followed this one in the older state.
        index = next(i for i, s in enumerate(old) if s["id"] == section["id"])
        for following in old[index + 1:]:
            if following["id"] in new_ids:
                break
            changes.append(removed(following))
    return changes


# ---------------------------------------------------------------- registering and moving a referral

# Referrals still being answered or followed: one registered again beside them is likely the
# same. Sent and declined ones are done; individual answers are followed until the deadline.
_PENDING = frozenset(ResponseStatus) - {ResponseStatus.SENT, ResponseStatus.NOT_ANSWERING}
# A response moves to another network while nothing has been written in it yet.
_MOVABLE = frozenset({ResponseStatus.TRIAGE, ResponseStatus.DRAFT})


# Any run of characters that are neither letters nor digits: spaces and punctuation.
_NOT_WORD = re.compile(r"[\W_]+")
# "Remiss: …", "Remiss – …": the word that says what every referral is.
_REMISS_PREFIX = re.compile(r"^\s*remiss\s*[:\-‐‑‒–—]\s*", re.IGNORECASE)
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—−", "-"))
_NUMBER_ENDS = re.compile(r"^[\W_]+|[\W_]+$")


def _words_key(text: str | None) -> str:
    """A sender as compared: case, spacing and punctuation left out, a run of spaces and
    punctuation inside counting as one space ("Region Stockholm." is "region stockholm")."""
    return sort_key(_NOT_WORD.sub(" ", text or ""))


def _title_key(text: str | None) -> str:
    """A title as compared: as a sender, and without a leading "Remiss:" or "Remiss –"
    ("Remiss: Kollektivtrafikplan 2050." is "kollektivtrafikplan 2050")."""
    return _words_key(_REMISS_PREFIX.sub("", text or "", count=1))


def _number_key(text: str | None) -> str:
    """A diarienummer as compared: spaces and case left out, and punctuation at the ends;
    "/" and "-" inside count (any dash is "-"): " RS 2021-0123." is "rs2021-0123", but
    "KS 2026/77" is not "KS 2026-77"."""
    number = "".join((text or "").split()).casefold().translate(_DASHES)
    return _NUMBER_ENDS.sub("", number)


@dataclass(frozen=True)
class Duplicate:
    """A pending response that a referral being registered may repeat, and why."""

    response: ConsultationResponse
    same_number: bool
    same_title: bool


class PossibleDuplicate(RuleError):
    """The referral looks like one already pending; registering it needs a confirmation."""

    def __init__(self, duplicates: list[Duplicate]):
        super().__init__(_l("Det finns redan en remiss som ser ut att vara samma. Kontrollera "
                            "den innan du registrerar den här. Är det en annan remiss: kryssa "
                            "i rutan och registrera igen."), "register_anyway")
        self.duplicates = duplicates


class MoveRefused(RuleError):
    pass


def find_duplicates(title: str, referring_body: str, reference_number: str, *,
                    exclude_id: int | None = None) -> list[Duplicate]:
    """Pending responses of active networks with the same sender and title, or the same
    diarienummer (not empty), as the referral: case, spacing and punctuation do not count,
    nor a leading "Remiss:" in the title (see _title_key and _number_key). Nearest
    deadline first."""
    title_key, body_key = _title_key(title), _words_key(referring_body)
    number_key = _number_key(reference_number)
    if not number_key and not (title_key and body_key):
        return []
    R = ConsultationResponse
    today = clock.today()
    # Only the compared columns: the normalising is Python's (SQLite's lower() knows only
    # ASCII), and registering is rare enough to read every pending referral's four fields.
    rows = db.session.execute(
        select(R.id, R.title, R.referring_body, R.reference_number, R.status, R.deadline)
        .where(R.status.in_(sorted(_PENDING)),
               R.network_id.in_(Network.active_ids()))).all()
    found: dict[int, tuple[bool, bool]] = {}
    for row in rows:
        if row.id == exclude_id or (row.status == ResponseStatus.INDIVIDUAL
                                    and row.deadline is not None and row.deadline < today):
            continue
        same_number = bool(number_key) and _number_key(row.reference_number) == number_key
        same_title = (bool(title_key) and _title_key(row.title) == title_key
                      and _words_key(row.referring_body) == body_key)
        if same_number or same_title:
            found[row.id] = (same_number, same_title)
    if not found:
        return []
    responses = db.session.scalars(select(R).where(R.id.in_(found))
                                   .options(joinedload(R.network)))
    duplicates = [Duplicate(r, *found[r.id]) for r in responses]
    duplicates.sort(key=lambda d: (d.response.deadline is None,
                                   d.response.deadline or date.max, d.response.id))
    return duplicates


def _announce(response: ConsultationResponse, actor: Person, template: str,
              network: Network | None = None, leave_out: frozenset[int] = frozenset(),
              **context) -> int:
    """Mail the convener and current members (not the actor, nor the people `leave_out`) of
    the response's network, or of `network`, each once, when the secretariat (or anyone
    outside that network) registered or moved the referral: a member who registers one
    tells the others themselves, and the start page shows it to them all. The mail links
    to the response for those who may read it. Returns how many were mailed."""
    from intranet.authz import is_secretariat, may, works_as_member

    network = network or response.network
    if works_as_member(actor, network.id):
        return 0
    by_secretariat = is_secretariat(actor)
    link = external_url("consultations.show", slug=response.network.slug,
                        response_id=response.id)
    told = 0
    for person in network_people(network):
        if person.id != actor.id and person.id not in leave_out:
            queue(person, template, response=response, actor=actor,
                  link=link if may(person, "view_response", response) else None,
                  by_secretariat=by_secretariat, **context)
            told += 1
    return told


@dataclass(frozen=True)
class Registered:
    response: ConsultationResponse
    told: int  # people mailed about it


def register_referral(network: Network, author: Person, details: Details, *,
                      answer: str = ResponseStatus.TRIAGE, reason: str = "",
                      report_parts: list[str] | None = None, anyway: bool = False,
                      visible: Callable[[ConsultationResponse], bool] = lambda r: True,
                      ) -> Registered:
    """A referral (remiss) registered for a network: the response is created, and when the
    secretariat registers it the network's convener and members are mailed. A referral that
    looks like a pending one the author may see (`visible`) is refused with
    PossibleDuplicate unless `anyway`."""
    if network.archived_at is not None:
        raise RuleError(_l("Nätverket är arkiverat. Välj ett annat nätverk."), "network_id")
    duplicates = [d for d in find_duplicates(details.title, details.referring_body,
                                             details.reference_number)
                  if visible(d.response)]
    if duplicates and not anyway:
        raise PossibleDuplicate(duplicates)
    response = create_response(network, author, details, answer=answer, reason=reason,
                               report_parts=report_parts)
    if duplicates:
        record("consultation_registered_anyway", actor=author, obj=response,
               network_id=network.id, duplicates=[d.response.id for d in duplicates])
    return Registered(response, _announce(response, author, "consultation_registered"))


@dataclass(frozen=True)
class WorkDone:
    """What the network has done on a response: sections with text (now or in a revision),
    whether a section was changed at all, comments, named versions, municipalities'
    positions."""

    sections_written: int = 0
    sections_changed: bool = False
    comments: int = 0
    versions: int = 0
    positions: int = 0

    def __bool__(self) -> bool:
        return bool(self.sections_written or self.sections_changed or self.comments
                    or self.versions or self.positions)


def work_done(response: ConsultationResponse) -> WorkDone:
    """What has been done on the response, in one statement."""
    S_, V = ResponseSection, SectionRevision
    of_response = S_.response_id == response.id
    row = db.session.execute(select(
        select(func.count(S_.id)).where(of_response, or_(
            func.trim(S_.body) != "",
            exists().where(V.section_id == S_.id, func.trim(V.body) != "")))
        .scalar_subquery(),
        exists().where(of_response, V.section_id == S_.id, V.number > 1),
        select(func.count(SectionComment.id)).join(S_, SectionComment.section_id == S_.id)
        .where(of_response).scalar_subquery(),
        select(func.count(ResponseSnapshot.id))
        .where(ResponseSnapshot.response_id == response.id).scalar_subquery(),
        select(func.count(MunicipalPosition.id))
        .where(MunicipalPosition.response_id == response.id).scalar_subquery())).one()
    return WorkDone(row[0], bool(row[1]), row[2], row[3], row[4])


def drafting_started(response: ConsultationResponse) -> bool:
    """Whether the network has begun on the response, so that it stays where it is: it is
    past the triage or a joint draft, or any section has text, a second revision or a
    comment, or there is a named version or a municipality's position. A joint draft's
    untouched template (or empty sections added to it) is not a start."""
    return response.status not in _MOVABLE or bool(work_done(response))


# Why a response past the triage or a joint draft stays in its network.
_NOT_MOVABLE_NOW = {
    ResponseStatus.INDIVIDUAL: _l("Remissen kan inte flyttas längre: nätverket har beslutat "
                                  "att kommunerna svarar var för sig."),
    ResponseStatus.NOT_ANSWERING: _l("Remissen kan inte flyttas längre: nätverket har "
                                     "beslutat att kommunerna inte svarar."),
    ResponseStatus.MANAGEMENT_REVIEW: _l("Remissen kan inte flyttas längre: svaret granskas "
                                         "av ledningsgruppen."),
    ResponseStatus.COMMITTEE_REVIEW: _l("Remissen kan inte flyttas längre: svaret granskas "
                                        "av samarbetskommittén."),
    ResponseStatus.RETURNED: _l("Remissen kan inte flyttas längre: svaret har granskats och "
                                "återremitterats till nätverket."),
    ResponseStatus.ADOPTED: _l("Remissen kan inte flyttas: svaret är antaget."),
    ResponseStatus.SENT: _l("Remissen kan inte flyttas: svaret är skickat."),
}


def move_refusal(response: ConsultationResponse) -> str | None:
    """Why the referral can no longer move to another network, naming what the network has
    done on it; None while it can."""
    from babel.lists import format_list
    from flask_babel import gettext, ngettext

    from intranet.i18n import current_locale

    if response.status not in _MOVABLE:
        reason = str(_NOT_MOVABLE_NOW.get(response.status, _NOT_MOVABLE_NOW[
            ResponseStatus.RETURNED]))
    else:
        done = work_done(response)
        if not done:
            return None
        found = []
        if done.sections_written:
            found.append(ngettext("text i %(num)s avsnitt", "text i %(num)s avsnitt",
                                  done.sections_written))
        elif done.sections_changed:
            found.append(gettext("ändringar i avsnitten"))
        if done.comments:
            found.append(ngettext("%(num)s kommentar", "%(num)s kommentarer", done.comments))
        if done.versions:
            found.append(ngettext("%(num)s sparad version", "%(num)s sparade versioner",
                                  done.versions))
        if done.positions:
            found.append(ngettext("%(num)s kommuns ställningstagande",
                                  "%(num)s kommuners ställningstaganden", done.positions))
        reason = gettext("Remissen kan inte flyttas längre: arbetet med svaret har börjat "
                         "(det finns %(found)s).",
                         found=format_list(found, locale=current_locale()))
    if response.status in (ResponseStatus.ADOPTED, ResponseStatus.SENT):
        return reason
    return " ".join([reason, gettext("Ska ett annat nätverk svara på den: registrera remissen "
                                     "där.")])


def move_targets(response: ConsultationResponse) -> list[Network]:
    """The networks a response may move to: every active one but its own."""
    return list(db.session.scalars(
        select(Network).where(Network.active(),
                              Network.id != response.network_id)
        .order_by(Network.name_key, Network.id)))


@dataclass(frozen=True)
class Moved:
    old_network: Network
    told: int  # people of the new network mailed about it
    documents_left: list[str]  # the old network's documents no longer attached
    told_old: int = 0  # people of the old network mailed that it has left them


def move_response(response: ConsultationResponse, person: Person,
                  target: Network | None) -> Moved:
    """The referral moves to another network before anyone has started on it (a
    registration for the wrong network): its URL becomes the new network's, the old
    network's documents are no longer attached (they stay there), a contact person from
    outside the new network is cleared, and the new network is told as of a new referral;
    the old network's people who are not in the new one are told that it has left them."""
    if target is None or target.archived_at is not None:
        raise RuleError(_l("Välj ett av nätverken i listan."), "target_network_id")
    if target.id == response.network_id:
        raise RuleError(_l("Remissen hör redan till %(network)s. Välj ett annat nätverk.",
                           network=target.name), "target_network_id")
    refusal = move_refusal(response)
    if refusal is not None:
        raise MoveRefused(refusal, None)
    old = response.network
    documents_left = [d.document.title for d in response.referral_documents]
    response.referral_documents[:] = []
    if response.contact_person_id is not None and response.contact_person_id not in {
        p.id for p in network_people(target)
    }:
        response.contact_person_id = None
    response.network = target
    response.updated_at = clock.utcnow()
    db.session.flush()
    record("consultation_moved", actor=person, obj=response, network_id=target.id,
           from_network_id=old.id, to_network_id=target.id, documents_left=documents_left)
    told = _announce(response, person, "consultation_moved", old_network=old)
    # A person in both networks has just been told where it is now: that mail is enough.
    told_old = _announce(response, person, "consultation_moved_away", network=old,
                         leave_out=frozenset(p.id for p in network_people(target)),
                         old_network=old)
    return Moved(old, told, documents_left, told_old)


def moved_away(network: Network, response_id: int) -> ConsultationResponse | None:
    """The response an old URL names: one that was moved away from `network` (the audit
    log remembers where it was), now in another network; None for any other id."""
    response = db.session.get(ConsultationResponse, response_id)
    if response is None or response.network_id == network.id:
        return None
    details = db.session.scalars(
        select(AuditEvent.detail).where(AuditEvent.action == "consultation_moved",
                                        AuditEvent.object_type == "ConsultationResponse",
                                        AuditEvent.object_id == response_id))
    return response if any((d or {}).get("from_network_id") == network.id
                           for d in details) else None

