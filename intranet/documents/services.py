"""Reading and writing a network's documents. Every write records an audit row in the same
transaction; the caller commits once."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, func, inspect, select
from sqlalchemy.orm import defer, selectinload

from intranet import clock
from intranet.audit.services import record
from intranet.authz import documents_condition
from intranet.documents.models import (
    Document,
    DocumentKind,
    DocumentTag,
    DocumentVersion,
    PageRevision,
    Visibility,
)
from intranet.documents.sniff import Rejected, Sniffed, sniff
from intranet.documents.storage import Storage, StorageError
from intranet.editing import VersionedTable, check_version, normalise_text
from intranet.extensions import db
from intranet.org.models import Network, Person
from intranet.search import extract
from intranet.text import contains

MAX_TAGS = 10
TAG_LENGTH = 40
SORTS = {"titel": func.lower(Document.title), "datum": Document.updated_at,
         "forfattare": func.lower(Person.name)}


# ---------------------------------------------------------------- reading


def parse_tags(text: str) -> list[str]:
    """Tags from a comma-separated text: trimmed, lower-case, unique, in order."""
    seen: list[str] = []
    for part in re.split(r"[,;]", text or ""):
        tag = " ".join(part.split()).lower()[:TAG_LENGTH]
        if tag and tag not in seen:
            seen.append(tag)
    return seen


def _visible(network: Network, person) -> list:
    """The documents of the network that the person may view (the policy's condition)."""
    return [Document.network_id == network.id,
            documents_condition(person, network, visibility=Document.visibility,
                                deleted_at=Document.deleted_at)]


@dataclass
class DocumentPage:
    items: list[Document]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def list_documents(network: Network, person, *, query: str = "", tag: str = "",
                   sort: str = "datum", descending: bool = True, page: int = 1,
                   per_page: int = 25) -> DocumentPage:
    """The documents of `network` that `person` may view, filtered, sorted and paged."""
    conditions = _visible(network, person)
    if query:
        conditions.append(contains(query, Document.title))
    if tag:
        conditions.append(
            Document.id.in_(select(DocumentTag.document_id).where(DocumentTag.name == tag))
        )
    where = and_(*conditions)
    total = db.session.scalar(select(func.count(Document.id)).where(where)) or 0
    column = SORTS.get(sort, Document.updated_at)
    order = column.desc() if descending else column.asc()
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    stmt = (
        select(Document)
        .outerjoin(Person, Document.created_by_id == Person.id)
        .where(where)
        .order_by(order, Document.id.desc() if descending else Document.id.asc())
        .options(selectinload(Document.tags), selectinload(Document.versions),
                 selectinload(Document.created_by))
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return DocumentPage(list(db.session.scalars(stmt)), total, page, per_page)


def network_tags(network: Network, person) -> list[str]:
    """The tags in use on the documents `person` may view."""
    stmt = (
        select(DocumentTag.name)
        .join(Document)
        .where(*_visible(network, person))
        .distinct()
        .order_by(DocumentTag.name)
    )
    return list(db.session.scalars(stmt))


def trashed_documents(network: Network) -> list[Document]:
    stmt = (
        select(Document)
        .where(Document.network_id == network.id, Document.deleted_at.is_not(None))
        .order_by(Document.deleted_at.desc())
        .options(selectinload(Document.deleted_by), selectinload(Document.versions))
    )
    return list(db.session.scalars(stmt))


def trash_count(network: Network) -> int:
    return db.session.scalar(select(func.count(Document.id)).where(
        Document.network_id == network.id, Document.deleted_at.is_not(None))) or 0


def get_document(network: Network, document_id: int) -> Document | None:
    """The document only when it belongs to this network (a foreign id is simply absent)."""
    return db.session.scalar(
        select(Document).where(Document.id == document_id, Document.network_id == network.id)
    )


# Built once: every page of a document starts here.
_NETWORK_AND_DOCUMENT = (
    select(Network, Document)
    .outerjoin(Document, and_(Document.network_id == Network.id,
                              Document.id == bindparam("document_id")))
    .where(Network.slug == bindparam("slug")))


def network_and_document(slug: str, document_id: int
                         ) -> tuple[Network | None, Document | None]:
    """A document's URL in one statement: (the network, its document with that id), each
    None if not found; a document of another network is not found (no IDOR)."""
    row = db.session.execute(_NETWORK_AND_DOCUMENT,
                             {"slug": slug, "document_id": document_id}).first()
    return (row[0], row[1]) if row is not None else (None, None)


def load_history(document: Document) -> None:
    """Load a page's revisions with their authors in two queries, however many there are
    (the texts themselves are not needed for the list)."""
    db.session.scalars(
        select(Document).where(Document.id == document.id)
        .options(selectinload(Document.revisions).options(
            defer(PageRevision.body), selectinload(PageRevision.created_by)))
        .execution_options(populate_existing=True)).all()


# ---------------------------------------------------------------- files


def _set_tags(document: Document, names: list[str]) -> None:
    wanted = names[:MAX_TAGS]
    document.tags[:] = [t for t in document.tags if t.name in wanted]
    have = {t.name for t in document.tags}
    for name in wanted:
        if name not in have:
            document.tags.append(DocumentTag(name=name))


def _store(storage: Storage, stream: BinaryIO, filename: str):
    return storage.save(stream, lambda path: sniff(path, filename))


FILENAME_LENGTH = 255  # DocumentVersion.filename's column
# Longer endings than this are not an extension worth keeping when a name is shortened.
EXTENSION_LENGTH = 16
# Path separators and what Windows refuses in a name; with the unprintable characters they
# become "_", so that a name keeps all of its text ("a</b>.txt" is "a__b_.txt").
_UNSAFE = frozenset('\\/:*?"<>|')


def clean_filename(filename: str) -> str:
    """The name shown and offered at download: every unsafe or unprintable character
    replaced by "_", and a name longer than the column shortened before its extension."""
    name = "".join("_" if ch in _UNSAFE or not ch.isprintable() else ch
                   for ch in filename or "").strip()
    if len(name) > FILENAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if stem and len(extension) <= EXTENSION_LENGTH:
            name = f"{stem[:FILENAME_LENGTH - len(extension) - 1].rstrip()}{dot}{extension}"
        else:
            name = name[:FILENAME_LENGTH]
    return name or "fil"


def usable_filename(filename: str) -> str:
    """The clean name of an uploaded file; a name of nothing but dots ("." or "..") names no
    file and is refused."""
    name = clean_filename(filename)
    if not name.replace(".", "").strip():
        raise Rejected(_l("Filnamnet ”%(name)s” går inte att använda. Byt namn på filen och "
                          "ladda upp den igen.", name=name))
    return name


def upload_file(network: Network, author: Person, stream: BinaryIO, filename: str, *,
                storage: Storage, title: str = "", description: str = "",
                tags: list[str] | None = None,
                visibility: str = Visibility.NETWORK) -> Document:
    """A new file document with its first version. The bytes are stored (and checked by
    content) before any row is added, so a refused or broken upload leaves no row."""
    filename = usable_filename(filename)
    blob, sniffed = _store(storage, stream, filename)
    now = clock.utcnow()
    document = Document(
        network=network, kind=DocumentKind.FILE, title=(title.strip() or filename)[:200],
        description=description.strip(), visibility=visibility, created_by=author,
        created_at=now, updated_at=now,
    )
    _set_tags(document, tags or [])
    document.versions.append(_version(1, blob, sniffed, filename, "", author, now,
                                      storage=storage))
    db.session.add(document)
    db.session.flush()
    record("document_uploaded", actor=author, obj=document, network_id=network.id,
           sha256=blob.sha256, size=blob.size, content_type=sniffed.content_type)
    return document


def _version(number, blob, sniffed: Sniffed, filename, note, author, now, *,
             storage: Storage) -> DocumentVersion:
    text, status = _file_text(storage, blob.sha256, sniffed.content_type, filename)
    return DocumentVersion(
        number=number, sha256=blob.sha256, size=blob.size, content_type=sniffed.content_type,
        filename=filename, note=note.strip(), created_by=author, created_at=now,
        text=text, text_status=status,
    )


# How long reading a file's text may hold up its upload; a file not read in time is stored
# all the same, and its page says search does not find its text.
TEXT_TIMEOUT = 5.0


def _file_text(storage: Storage, sha256: str, content_type: str, filename: str
               ) -> tuple[str, str]:
    """The text inside a stored file for search, and how reading it went: read once per
    content (a file stored before is not read again), in a child process with limits
    (intranet.search.extract), before the transaction writes anything."""
    known = db.session.execute(
        select(DocumentVersion.text, DocumentVersion.text_status)
        .where(DocumentVersion.sha256 == sha256, DocumentVersion.text_status.is_not(None))
        .limit(1)).first()
    if known is not None:
        return known.text or "", known.text_status
    try:
        path = storage.path(sha256)
    except (AttributeError, StorageError):  # a store without files on disk
        return "", extract.UNREADABLE
    found = extract.extract_file(path, content_type, filename, timeout=TEXT_TIMEOUT)
    return found.text, found.status


def add_version(document: Document, author: Person, stream: BinaryIO, filename: str, *,
                storage: Storage, note: str = "") -> DocumentVersion:
    """A new current version; every earlier version stays."""
    if not document.is_file:
        raise ValueError("only files have versions")
    filename = usable_filename(filename)
    blob, sniffed = _store(storage, stream, filename)
    now = clock.utcnow()
    number = (db.session.scalar(
        select(func.max(DocumentVersion.number)).where(
            DocumentVersion.document_id == document.id)
    ) or 0) + 1
    version = _version(number, blob, sniffed, filename, note, author, now, storage=storage)
    version.document = document  # joins document.versions without loading every version
    db.session.add(version)
    document.updated_at = now  # raises lock_version: a racing version fails, not overwrites
    db.session.flush()
    record("document_version_added", actor=author, obj=document, version=number,
           sha256=blob.sha256, size=blob.size, content_type=sniffed.content_type)
    return version


def update_details(document: Document, editor: Person, *, expected_version: int | None,
                   title: str, description: str, tags: list[str], visibility: str) -> None:
    """Title, description, tags and visibility, checked against the version the editor
    started from."""
    current_text = "\n".join([document.title, document.description])
    check_version(expected_version, document.lock_version,
                  "\n".join([title, description]), current_text)
    document.title = title.strip()[:200]
    document.description = description.strip()
    document.visibility = visibility
    _set_tags(document, tags)
    document.updated_at = clock.utcnow()
    db.session.flush()
    record("document_updated", actor=editor, obj=document, visibility=visibility)


def record_download(document: Document, version: DocumentVersion, person: Person) -> None:
    record("document_downloaded", actor=person, obj=document, version=version.number)


# ---------------------------------------------------------------- pages


def create_page(network: Network, author: Person, *, title: str, body: str,
                tags: list[str] | None = None, visibility: str = Visibility.NETWORK,
                note: str = "") -> Document:
    now = clock.utcnow()
    body = normalise_text(body)
    document = Document(
        network=network, kind=DocumentKind.PAGE, title=title.strip()[:200], description="",
        visibility=visibility, created_by=author, created_at=now, updated_at=now,
    )
    _set_tags(document, tags or [])
    document.revisions.append(PageRevision(number=1, title=document.title, body=body,
                                           note=note.strip(), created_by=author,
                                           created_at=now))
    db.session.add(document)
    db.session.flush()
    record("page_created", actor=author, obj=document, network_id=network.id)
    return document


def latest_revision(document: Document) -> PageRevision | None:
    """The page's current revision, read alone: its history can be long."""
    if "revisions" not in inspect(document).unloaded:
        return document.current_revision
    return db.session.scalar(select(PageRevision).where(PageRevision.document_id == document.id)
                             .order_by(PageRevision.number.desc()).limit(1))


# A page's save: its row with the next version, and the revision numbered in its INSERT.
_PAGES = VersionedTable(Document, "lock_version", revisions=PageRevision, owner="document_id")


def save_page(document: Document, editor: Person, *, expected_version: int | None,
              title: str, body: str, note: str = "", tags: list[str] | None = None,
              visibility: str | None = None) -> int | None:
    """A new revision (its number is returned; None when the title and text are as saved,
    and then only changed tags or visibility are written), unless the page changed since the
    editor opened it: then EditConflict, with the editor's text kept, and nothing written. A
    save that loses the race between this check and its UPDATE raises StaleDataError, as
    the unit of work would."""
    if not document.is_page:
        raise ValueError("only pages have revisions")
    body = normalise_text(body)
    check_version(expected_version, document.lock_version, body,
                  lambda: getattr(latest_revision(document), "body", ""))
    title, now = title.strip()[:200], clock.utcnow()
    current = latest_revision(document)
    if (current is not None and (current.title, current.body) == (title, body)
            and not note.strip()):
        # The text as saved: no new revision (one would conflict with others' edits); the
        # tags and visibility, kept without revisions, are saved on their own.
        values = {"updated_at": now}
        if visibility is not None and visibility != document.visibility:
            values["visibility"] = visibility
        new_tags = tags is not None and sorted(tags) != sorted(document.tag_names)
        if len(values) > 1 or new_tags:
            _PAGES.write(document, values)
            if new_tags:
                _set_tags(document, tags)
            record("page_saved", actor=editor, obj=document, revision=None)
        return None
    values = {"title": title, "updated_at": now}
    if visibility is not None:
        values["visibility"] = visibility
    # The page first: its row stays locked to this transaction until it commits, so two
    # saves never take the same revision number.
    _PAGES.write(document, values)
    number = _PAGES.add_revision(document.id, {"title": title, "body": body,
                                               "note": note.strip(),
                                               "created_by_id": editor.id,
                                               "created_at": now})
    db.session.expire(document, ["revisions"])  # the loaded history lacks the new revision
    if tags is not None:
        _set_tags(document, tags)
    record("page_saved", actor=editor, obj=document, revision=number)
    return number


def get_revision(document: Document, revision_id: int) -> PageRevision | None:
    return db.session.scalar(select(PageRevision).where(
        PageRevision.id == revision_id, PageRevision.document_id == document.id))


def get_version(document: Document, version_id: int) -> DocumentVersion | None:
    return db.session.scalar(select(DocumentVersion).where(
        DocumentVersion.id == version_id, DocumentVersion.document_id == document.id))


# ---------------------------------------------------------------- restoring an old version


class RestoreRefused(Exception):
    """Nothing was restored: the document changed since the person chose to restore (another
    save came first), or the old version cannot be restored. `reason` is for the person."""

    def __init__(self, reason, changed: bool = False):
        super().__init__(str(reason))
        self.reason = reason
        self.changed = changed


def restored_note(number: int, note: str = "") -> str:
    """The note of a restored version in the history: where it came from, and why if said."""
    text = str(_l("Återställd från version %(num)s.", num=number))
    note = " ".join((note or "").split())
    return f"{text} {note}" if note else text


def _check_restorable(document: Document, expected_version: int | None,
                      number: int, newest: int) -> None:
    if expected_version != document.lock_version:
        raise RestoreRefused(_l("Någon annan har ändrat dokumentet medan du bekräftade, så "
                                "ingenting har återställts. Se efter hur det ser ut nu och "
                                "bekräfta igen om du fortfarande vill återställa."),
                             changed=True)
    if number == newest:
        raise RestoreRefused(_l("Version %(num)s är redan den aktuella versionen.", num=number))


def restore_revision(document: Document, revision: PageRevision, person: Person, *,
                     expected_version: int | None, note: str = "") -> PageRevision:
    """An old revision of a page becomes the current one again: a new revision with its
    title and text, noted as restored, audited. Nothing earlier is changed. Refused
    (RestoreRefused, nothing written) when the page changed since the person looked."""
    if not document.is_page or revision.document_id != document.id:
        raise ValueError("not a revision of this page")
    current = latest_revision(document)
    _check_restorable(document, expected_version, revision.number, current.number)
    now = clock.utcnow()
    restored = PageRevision(number=current.number + 1, title=revision.title, body=revision.body,
                            note=restored_note(revision.number, note), created_by=person,
                            created_at=now)
    restored.document = document  # joins document.revisions without loading every revision
    db.session.add(restored)
    document.title = revision.title
    document.updated_at = now  # raises lock_version: a racing save fails, not overwrites
    db.session.flush()
    record("page_revision_restored", actor=person, obj=document, revision=restored.number,
           restored_from=revision.number)
    return restored


def restore_version(document: Document, version: DocumentVersion, person: Person, *,
                    expected_version: int | None, storage: Storage,
                    note: str = "") -> DocumentVersion:
    """An old version of a file becomes the current one again: a new version pointing at
    the same stored bytes (the store keeps each content once, so nothing is copied and
    nothing is removed), noted as restored, audited. Refused (RestoreRefused, nothing
    written) when the file changed since the person looked, or its bytes are missing."""
    if not document.is_file or version.document_id != document.id:
        raise ValueError("not a version of this file")
    newest = db.session.scalar(select(func.max(DocumentVersion.number)).where(
        DocumentVersion.document_id == document.id)) or 0
    _check_restorable(document, expected_version, version.number, newest)
    if not storage.exists(version.sha256):
        raise RestoreRefused(_l("Filen i version %(num)s finns inte i lagringen och kan inte "
                                "återställas. Kontakta kansliet.", num=version.number))
    now = clock.utcnow()
    restored = DocumentVersion(
        number=newest + 1, sha256=version.sha256, size=version.size,
        content_type=version.content_type, filename=version.filename,
        note=restored_note(version.number, note), created_by=person, created_at=now,
        text=version.text, text_status=version.text_status)
    restored.document = document  # joins document.versions without loading every version
    db.session.add(restored)
    document.updated_at = now  # raises lock_version: a racing version fails, not overwrites
    db.session.flush()
    record("document_version_restored", actor=person, obj=document, version=restored.number,
           restored_from=version.number, sha256=version.sha256)
    return restored


# ---------------------------------------------------------------- trash


def trash(document: Document, person: Person) -> None:
    """Moves the document to the network's trash; nothing is removed."""
    document.deleted_at = clock.utcnow()
    document.deleted_by = person
    db.session.flush()
    record("document_trashed", actor=person, obj=document, network_id=document.network_id)


def restore(document: Document, person: Person) -> None:
    document.deleted_at = None
    document.deleted_by = None
    db.session.flush()
    record("document_restored", actor=person, obj=document, network_id=document.network_id)


def empty_trash(network: Network, person: Person, storage: Storage) -> list[str]:
    """Removes the trashed documents of `network` for good. Returns the blobs no longer
    referenced by any version; the caller deletes them from the store after committing, so a
    failed commit never leaves rows without their bytes."""
    documents = trashed_documents(network)
    hashes = {v.sha256 for d in documents for v in d.versions}
    for document in documents:
        record("document_purged", actor=person, object_type="Document", object_id=document.id,
               network_id=network.id, title=document.title, kind=document.kind)
        db.session.delete(document)
    db.session.flush()
    still_used = set(db.session.scalars(
        select(DocumentVersion.sha256).where(DocumentVersion.sha256.in_(hashes))
    )) if hashes else set()
    return sorted(hashes - still_used)


def remove_blobs(storage: Storage, hashes: list[str]) -> int:
    return sum(1 for h in hashes if storage.delete(h))
