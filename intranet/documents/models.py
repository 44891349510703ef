"""Shared documents of a network: uploaded files with their versions, and text pages written
in the browser with their revisions. Nothing is removed except by emptying the trash."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet import clock
from intranet.extensions import db
from intranet.org.models import Network, Person
from intranet.states import Visibility  # noqa: F401  (below the policy, which reads it too)


class DocumentKind(StrEnum):
    FILE = "file"
    PAGE = "page"


class Document(db.Model):
    """A document (dokument) of a network: a file or a text page.

    `lock_version` is SQLAlchemy's version counter: every change of the row raises it, and an
    UPDATE that started from an older version fails, so two saves never silently overwrite
    each other. Forms carry it as a hidden field and services compare it first."""

    __tablename__ = "document"
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(20), default=Visibility.NETWORK)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow, index=True)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    network: Mapped[Network] = relationship()
    created_by: Mapped[Person | None] = relationship(foreign_keys=[created_by_id])
    deleted_by: Mapped[Person | None] = relationship(foreign_keys=[deleted_by_id])
    tags: Mapped[list[DocumentTag]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="DocumentTag.name"
    )
    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document", cascade="all, delete-orphan",
        order_by="DocumentVersion.number.desc()",
    )
    revisions: Mapped[list[PageRevision]] = relationship(
        back_populates="document", cascade="all, delete-orphan",
        order_by="PageRevision.number.desc()",
    )

    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def is_file(self) -> bool:
        return self.kind == DocumentKind.FILE

    @property
    def is_page(self) -> bool:
        return self.kind == DocumentKind.PAGE

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def current_version(self) -> DocumentVersion | None:
        return self.versions[0] if self.versions else None

    @property
    def current_revision(self) -> PageRevision | None:
        return self.revisions[0] if self.revisions else None

    @property
    def tag_names(self) -> list[str]:
        return [t.name for t in self.tags]


class DocumentTag(db.Model):
    """A tag (etikett) on a document, stored lower-case."""

    __tablename__ = "document_tag"
    __table_args__ = (UniqueConstraint("document_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    name: Mapped[str] = mapped_column(String(40), index=True)

    document: Mapped[Document] = relationship(back_populates="tags")


class DocumentVersion(db.Model):
    """One uploaded version (version) of a file; the newest is the current one. The bytes
    live in the store under their sha256; the original file name is only metadata."""

    __tablename__ = "document_version"
    __table_args__ = (UniqueConstraint("document_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    number: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(120))
    filename: Mapped[str] = mapped_column(String(255))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    # The text inside the file, read when it was stored (search finds it), and how reading
    # went (intranet.search.extract: ok, empty, unsupported, unreadable, too_large,
    # timed_out); None: not read (stored before files were read).
    text: Mapped[str | None] = mapped_column(Text, deferred=True)
    text_status: Mapped[str | None] = mapped_column(String(20))

    document: Mapped[Document] = relationship(back_populates="versions")
    created_by: Mapped[Person | None] = relationship()


class PageRevision(db.Model):
    """One saved revision (version) of a text page; every save adds one."""

    __tablename__ = "page_revision"
    __table_args__ = (UniqueConstraint("document_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    number: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # What the person wrote that others changed since (the start page) is read by it.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)

    document: Mapped[Document] = relationship(back_populates="revisions")
    created_by: Mapped[Person | None] = relationship()
