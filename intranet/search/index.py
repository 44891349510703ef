"""Keeping the index current: each thing's entry is made again from what is saved, in the
same transaction as the write it reflects. Writes are noticed where they happen, so no
service has to remember the index: the unit of work's own (after each flush: what was
added, changed or deleted among the models below), and plain statements the writing code
notes with `intranet.written.note_written`. Just before the commit, every thing touched is
read again and its entry replaced (or removed: a document in the trash, a deleted row).

`rebuild()` makes the whole index again (the migration, `flask reindex`, a restore)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from functools import lru_cache, partial

from babel.dates import format_date
from sqlalchemy import delete, event, func, insert, inspect, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased, selectinload

from intranet import clock
from intranet.actions.models import ActionItem
from intranet.consultations.models import (
    ConsultationResponse,
    MunicipalCaseNumber,
    ResponseSection,
    SectionComment,
)
from intranet.documents.models import Document, DocumentTag, DocumentVersion, PageRevision
from intranet.extensions import db
from intranet.markdown import plain_text
from intranet.meetings.models import Meeting
from intranet.org.models import FocusArea, Network, Person, SubGoal
from intranet.search.models import (
    ACTION,
    DOCUMENT,
    MEETING,
    NETWORK,
    PERSON,
    RESPONSE,
    SearchEntry,
)
from intranet.search.terms import MAX_INDEXED_CHARS, index_terms
from intranet.written import forget_written, take_written

_TOUCHED = "search_touched"
_ENTRY_COLUMNS = ("network_id", "visibility", "title", "body", "title_terms", "body_terms",
                  "idents", "updated_at")
_SECTION = "section"  # a key resolved to its response when the index is written
_TABLE = SearchEntry.__table__

# A changed object of these models changes the entry of (kind, the attribute naming it);
# only a change of the listed attributes counts (a login's time changes no person's entry).
WATCHED = {
    Document: (DOCUMENT, "id", {"title", "description", "visibility", "deleted_at",
                                "network_id"}),
    DocumentVersion: (DOCUMENT, "document_id", None),
    PageRevision: (DOCUMENT, "document_id", None),
    DocumentTag: (DOCUMENT, "document_id", None),
    ConsultationResponse: (RESPONSE, "id", {"title", "referring_body", "reference_number",
                                            "network_id", "updated_at"}),
    ResponseSection: (RESPONSE, "response_id", {"title", "body", "deleted_at"}),
    MunicipalCaseNumber: (RESPONSE, "response_id", None),
    SectionComment: (_SECTION, "section_id", {"body"}),
    ActionItem: (ACTION, "id", {"activity", "comment", "responsible", "sub_goal_id",
                                "deleted_at", "network_id", "updated_at"}),
    Network: (NETWORK, "id", {"name", "short_name", "description"}),
    Person: (PERSON, "id", {"name", "title", "municipality_id", "active"}),
    Meeting: (MEETING, "id", {"held_on", "time_text", "place", "note", "body_id"}),
}


def _key(obj, deleted: bool = False) -> tuple[str, int] | None:
    watched = WATCHED.get(type(obj))
    if watched is None:
        return None
    kind, attr, counted = watched
    if counted is not None and not deleted and not inspect(obj).pending:
        state = inspect(obj)
        if not any(state.attrs[name].history.has_changes() for name in counted):
            return None
    value = getattr(obj, attr, None)
    return (kind, value) if value is not None else None


def _touch(session: Session, keys) -> None:
    session.info.setdefault(_TOUCHED, set()).update(key for key in keys if key is not None)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context, _instances) -> None:
    # Changed attributes are known before the flush writes them (after it, their history
    # is gone); new objects get their ids in the flush, so they are noted after it.
    _touch(session, [_key(obj) for obj in session.dirty])
    _touch(session, [_key(obj, deleted=True) for obj in session.deleted])


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    _touch(session, [_key(obj, deleted=True) for obj in session.new])


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    session.flush()
    keys = session.info.pop(_TOUCHED, set())
    for model, row_id in take_written(session):
        if model not in WATCHED:
            continue
        kind, attr, _counted = WATCHED[model]
        loaded = session.get(model, row_id) if attr != "id" else None  # no statement if held
        if attr == "id":
            keys.add((kind, row_id))
        elif loaded is not None:
            keys.add(_key(loaded, deleted=True) or (model, row_id))
        else:
            keys.add((model, row_id))
    if keys:
        refresh(session, keys)


@event.listens_for(Session, "after_transaction_end")
def _transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_TOUCHED, None)
        forget_written(session)


# ---------------------------------------------------------------- writing entries


def refresh(session: Session, keys: set) -> None:
    """Make the entries of these (kind, id) again from what is saved now."""
    by_kind: dict[object, set[int]] = {}
    for kind, row_id in keys:
        by_kind.setdefault(kind, set()).add(row_id)
    _resolve(session, by_kind)
    for kind, ids in by_kind.items():
        ids = sorted(ids)
        rows = [make() for make in BUILDERS[kind](session, ids)]
        if rows:
            session.execute(_upsert(session), rows)
        gone = set(ids) - {row["object_id"] for row in rows}
        if gone:  # removed, in the trash, deleted: out of the index
            session.execute(delete(SearchEntry).where(SearchEntry.kind == kind,
                                                      SearchEntry.object_id.in_(sorted(gone))))


_UPSERTS: dict[str, object] = {}


def _upsert(session: Session):
    """INSERT of entries that replaces an entry of the same thing (one statement a save)."""
    dialect = session.get_bind().dialect.name
    statement = _UPSERTS.get(dialect)
    if statement is None:
        make = postgresql_insert if dialect == "postgresql" else sqlite_insert
        statement = make(_TABLE)
        statement = _UPSERTS[dialect] = statement.on_conflict_do_update(
            index_elements=[_TABLE.c.kind, _TABLE.c.object_id],
            set_={name: statement.excluded[name] for name in _ENTRY_COLUMNS})
    return statement


def _resolve(session: Session, by_kind: dict) -> None:
    """Keys that name a part (a comment's section, a model written by a plain statement)
    become the keys of the thing the part belongs to."""
    sections = by_kind.pop(_SECTION, set())
    for model in [kind for kind in by_kind if not isinstance(kind, str)]:
        ids = by_kind.pop(model)
        kind, attr, _counted = WATCHED[model]
        if kind == _SECTION:
            sections |= set(session.scalars(select(getattr(model, attr))
                                            .where(model.id.in_(ids))))
            continue
        owners = session.scalars(select(getattr(model, attr)).where(model.id.in_(ids)))
        by_kind.setdefault(kind, set()).update(owners)
    if sections:
        responses = session.scalars(select(ResponseSection.response_id)
                                    .where(ResponseSection.id.in_(sections)))
        by_kind.setdefault(RESPONSE, set()).update(responses)


def _entry(kind: str, object_id: int, title: str, parts, *, network_id=None,
           visibility=None, idents=(), updated_at: datetime | None = None) -> dict:
    parts = [part.strip() for part in parts if part and part.strip()]
    body = "\n".join(parts)
    if len(body) <= MAX_INDEXED_CHARS:
        # No word runs over a line break, so the body's stems are its parts' one after the
        # other: a save changes one part (a section, a comment), the others' are kept.
        body_terms = " ".join(terms for terms in map(_part_terms, parts) if terms)
    else:
        body = body[:MAX_INDEXED_CHARS]
        body_terms = index_terms(body)
    title = (title or "").strip()[:300]
    folded = [" ".join((ident or "").casefold().split()) for ident in idents]
    return {
        "kind": kind, "object_id": object_id, "network_id": network_id,
        "visibility": visibility, "title": title, "body": body,
        "title_terms": index_terms(title), "body_terms": body_terms,
        "idents": "".join(f"|{ident}" for ident in folded if ident)[:999] + (
            "|" if any(folded) else ""),
        "updated_at": updated_at or clock.utcnow(),
    }


# The stems and the read-out Markdown of the short parts recently indexed, kept in each
# process: a response's entry is made again from all its sections and comments at each save
# of one of them. Longer parts (a file's text) are not kept.
_KEPT_CHARS = 10_000


@lru_cache(maxsize=2048)
def _short_part_terms(part: str) -> str:
    return index_terms(part)


def _part_terms(part: str) -> str:
    return _short_part_terms(part) if len(part) <= _KEPT_CHARS else index_terms(part)


@lru_cache(maxsize=1024)
def _short_plain_text(text: str) -> str:
    return plain_text(text)


def _plain_text(text: str | None) -> str:
    return _short_plain_text(text) if text and len(text) <= _KEPT_CHARS else plain_text(text)


def _newest(model):
    """The number of the document's newest revision or version (of the row in the outer
    query), from the (document, number) index."""
    newer = aliased(model)
    return (select(func.max(newer.number)).where(newer.document_id == model.document_id)
            .scalar_subquery())


# Each builder reads what the entries of these ids are made of, and returns for each entry a
# function that makes it (the text's stems and the Markdown read out of it: most of the
# work). `refresh` calls them at once; `rebuild` makes one chunk's entries in a thread while
# the previous chunk is written.


def _documents(session: Session, ids: list[int]) -> list:
    documents = session.execute(
        select(Document.id, Document.title, Document.description, Document.network_id,
               Document.visibility, Document.updated_at)
        .where(Document.id.in_(ids), Document.deleted_at.is_(None))).all()
    if not documents:
        return []
    live = [d.id for d in documents]
    tags: dict[int, list[str]] = {}
    for document_id, name in session.execute(
            select(DocumentTag.document_id, DocumentTag.name)
            .where(DocumentTag.document_id.in_(live))
            .order_by(DocumentTag.document_id, DocumentTag.name)):
        tags.setdefault(document_id, []).append(name)
    pages: dict[int, str] = {}
    newest_page = (select(PageRevision.document_id, PageRevision.body)
                   .where(PageRevision.document_id.in_(live),
                          PageRevision.number == _newest(PageRevision)))
    for document_id, body in session.execute(newest_page):
        pages.setdefault(document_id, body)
    files: dict[int, list[str]] = {}
    newest_file = (select(DocumentVersion.document_id, DocumentVersion.filename,
                          DocumentVersion.text)
                   .where(DocumentVersion.document_id.in_(live),
                          DocumentVersion.number == _newest(DocumentVersion)))
    for document_id, filename, text in session.execute(newest_file):
        files.setdefault(document_id, [filename, text or ""])

    def make(d, page: str | None) -> dict:
        texts = [_plain_text(page)] if page is not None else files.get(d.id, [])
        return _entry(DOCUMENT, d.id, d.title,
                      [d.description, " ".join(tags.get(d.id, ())), *texts],
                      network_id=d.network_id, visibility=d.visibility,
                      updated_at=d.updated_at)

    return [partial(make, d, pages.get(d.id)) for d in documents]


def _responses(session: Session, ids: list[int]) -> list:
    responses = session.scalars(
        select(ConsultationResponse).where(ConsultationResponse.id.in_(ids))).all()
    if not responses:
        return []
    parts: dict[int, list] = {r.id: [] for r in responses}
    # The live sections' text, each followed by its comments (one statement); a section's
    # text as (Markdown,), read out when the entry is made.
    sections = session.execute(
        select(ResponseSection.id, ResponseSection.response_id, ResponseSection.title,
               ResponseSection.body, SectionComment.body)
        .outerjoin(SectionComment, SectionComment.section_id == ResponseSection.id)
        .where(ResponseSection.response_id.in_(parts), ResponseSection.deleted_at.is_(None))
        .order_by(ResponseSection.response_id, ResponseSection.position, ResponseSection.id,
                  SectionComment.id)).all()
    seen = set()
    for section_id, response_id, title, body, comment in sections:
        if section_id not in seen:
            seen.add(section_id)
            parts[response_id] += [title, (body,)]
        if comment:
            parts[response_id].append(comment)
    numbers: dict[int, list[str]] = {}
    for response_id, number in session.execute(
            select(MunicipalCaseNumber.response_id, MunicipalCaseNumber.case_number)
            .where(MunicipalCaseNumber.response_id.in_(parts))):
        numbers.setdefault(response_id, []).append(number)

    def make(r, own: list) -> dict:
        texts = [_plain_text(part[0]) if isinstance(part, tuple) else part for part in own]
        return _entry(RESPONSE, r.id, r.title,
                      [r.referring_body, r.reference_number, *numbers.get(r.id, []), *texts],
                      network_id=r.network_id,
                      idents=[r.reference_number, *numbers.get(r.id, [])],
                      updated_at=r.updated_at)

    return [partial(make, r, parts[r.id]) for r in responses]


def _actions(session: Session, ids: list[int]) -> list:
    items = session.execute(
        select(ActionItem.id, ActionItem.activity, ActionItem.responsible, ActionItem.comment,
               ActionItem.network_id, ActionItem.updated_at, FocusArea.name, SubGoal.text)
        .outerjoin(SubGoal, SubGoal.id == ActionItem.sub_goal_id)
        .outerjoin(FocusArea, FocusArea.id == SubGoal.focus_area_id)
        .where(ActionItem.id.in_(ids), ActionItem.deleted_at.is_(None)))
    return [partial(_entry, ACTION, item.id, item.activity,
                    [item.responsible, item.comment, item.name, item.text],
                    network_id=item.network_id, updated_at=item.updated_at)
            for item in items]


def _networks(session: Session, ids: list[int]) -> list:
    networks = session.scalars(select(Network).where(Network.id.in_(ids))).all()
    return [partial(_entry, NETWORK, n.id, n.name, [n.short_name, n.description],
                    network_id=n.id, updated_at=n.created_at)
            for n in networks]


def _people(session: Session, ids: list[int]) -> list:
    people = session.scalars(select(Person).where(Person.id.in_(ids), Person.active)
                             .options(selectinload(Person.municipality))).all()
    return [partial(_entry, PERSON, p.id, p.name,
                    [p.title, p.municipality.name if p.municipality else ""],
                    updated_at=p.created_at)
            for p in people]


def _meetings(session: Session, ids: list[int]) -> list:
    meetings = session.scalars(select(Meeting).where(Meeting.id.in_(ids))
                               .options(selectinload(Meeting.body))).all()
    # The date as the title has it ("2027-01-14") and written out in Swedish, as the
    # meetings' pages and the hit show it ("torsdag 14 januari 2027"), so both find it.
    return [partial(_entry, MEETING, m.id, f"{m.body.name} {m.held_on.isoformat()}",
                    [format_date(m.held_on, "full", locale="sv"), m.time_text, m.place,
                     m.note], updated_at=m.updated_at)
            for m in meetings]


BUILDERS = {DOCUMENT: _documents, RESPONSE: _responses, ACTION: _actions,
            NETWORK: _networks, PERSON: _people, MEETING: _meetings}
_SOURCES = {DOCUMENT: Document, RESPONSE: ConsultationResponse, ACTION: ActionItem,
            NETWORK: Network, PERSON: Person, MEETING: Meeting}


def rebuild(session: Session | None = None, chunk: int = 500) -> dict[str, int]:
    """Make the whole index again from what is saved; returns the entries per kind. The
    caller commits.

    Most of the work is Python's (the stems of every text) and the database's (its own
    full-text index of them): a chunk's entries are made in a thread while the previous
    chunk is written (the database works without Python's lock), so both CPUs work. Only
    this thread uses the session."""
    session = session or db.session
    session.execute(delete(SearchEntry))
    counts = {}
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="reindex") as pool:
        for kind, model in _SOURCES.items():
            ids = list(session.scalars(select(model.id).order_by(model.id)))
            made = 0
            writing = None  # the previous chunk's entries, being made
            for start in range(0, len(ids), chunk):
                making = pool.submit(_make, BUILDERS[kind](session, ids[start:start + chunk]))
                if writing is not None:
                    made += _write(session, writing.result())
                writing = making
            if writing is not None:
                made += _write(session, writing.result())
            counts[kind] = made
    return counts


def _make(makers: list) -> list[dict]:
    return [make() for make in makers]


def _write(session: Session, rows: list[dict]) -> int:
    if rows:
        session.execute(insert(_TABLE), rows)
    return len(rows)
