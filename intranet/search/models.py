"""The search index: one entry per thing that can be found, with its text as written (for
the snippet) and as stems (terms.index_terms: what is searched), and what the policy needs
to decide who may see it (its network, its visibility). It is derived data: written in the
same transaction as what it reflects (index.py), rebuilt by `flask reindex`, and left out of
backups.

The full-text index itself is each database's own, made by the migration and kept in step
by the database: on SQLite an FTS5 table over title_terms and body_terms (kept by triggers),
on PostgreSQL a generated tsvector column (title weighted above body) with a GIN index."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from intranet.extensions import db
from intranet.states import Findable

# What can be found (the policy's rules for finding each are in authz.find_condition).
DOCUMENT, RESPONSE, ACTION, NETWORK, PERSON, MEETING = (
    Findable.DOCUMENT, Findable.RESPONSE, Findable.ACTION, Findable.NETWORK,
    Findable.PERSON, Findable.MEETING)
KINDS = tuple(Findable)
FTS_TABLE = "search_fts"  # SQLite's FTS5 table


class SearchEntry(db.Model):
    __tablename__ = "search_entry"
    __table_args__ = (
        UniqueConstraint("kind", "object_id"),
        # One kind's entries newest first: a common word's hits of one kind.
        Index("ix_search_entry_kind_updated_at", "kind", "updated_at", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    object_id: Mapped[int] = mapped_column(Integer)
    # The network it belongs to (a network's own entry: the network), for the policy and
    # "search in this network"; none for people and meetings.
    network_id: Mapped[int | None] = mapped_column(Integer, index=True)
    visibility: Mapped[str | None] = mapped_column(String(20))  # a document's
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    title_terms: Mapped[str] = mapped_column(Text, default="")
    body_terms: Mapped[str] = mapped_column(Text, default="")
    # Identifiers found first when typed exactly (a response's diarienummer and case
    # numbers), case folded, each between "|".
    idents: Mapped[str] = mapped_column(String(1000), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, index=True)

    def __repr__(self) -> str:
        return f"<SearchEntry {self.kind} {self.object_id}>"


# The full-text index is the database's own, made by the migration: SQLite's FTS5 table
# (and the shadow tables FTS5 keeps) and PostgreSQL's generated tsvector column and its GIN
# index. The models do not describe them; comparing the schema with the models skips them.
TSVECTOR_COLUMN = "tsv"
TSVECTOR_INDEX = "ix_search_entry_tsv"
# PostgreSQL: the pairs of neighbouring stems of an entry, as lexemes ("a b"), indexed by GIN
# (migration 0018): a phrase is checked only in the entries that hold all its pairs.
PAIRS_EXPRESSION = ("array_to_tsvector(search_pairs(search_entry.title_terms) "
                    "|| search_pairs(search_entry.body_terms))")
PAIRS_INDEX = "ix_search_entry_pairs"


def described_by_models(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's include_object: False for the parts of the full-text index above."""
    if type_ == "table" and name and name.startswith(FTS_TABLE):
        return False
    if type_ == "column" and name == TSVECTOR_COLUMN and obj.table.name == "search_entry":
        return False
    return not (type_ == "index" and name in (TSVECTOR_INDEX, PAIRS_INDEX))
