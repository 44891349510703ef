"""Search: the index (search_entry, with SQLite's FTS5 table or PostgreSQL's tsvector and GIN
index over its stems), the text read from each stored file (document_version.text), and the
index made of what exists

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-10 09:00:00

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_FTS = """CREATE VIRTUAL TABLE search_fts USING fts5(
    title_terms, body_terms, content='search_entry', content_rowid='id',
    tokenize='unicode61 remove_diacritics 0')"""
_TRIGGERS = [
    """CREATE TRIGGER search_entry_ai AFTER INSERT ON search_entry BEGIN
        INSERT INTO search_fts(rowid, title_terms, body_terms)
        VALUES (new.id, new.title_terms, new.body_terms); END""",
    """CREATE TRIGGER search_entry_ad AFTER DELETE ON search_entry BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms)
        VALUES ('delete', old.id, old.title_terms, old.body_terms); END""",
    """CREATE TRIGGER search_entry_au AFTER UPDATE ON search_entry BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms)
        VALUES ('delete', old.id, old.title_terms, old.body_terms);
        INSERT INTO search_fts(rowid, title_terms, body_terms)
        VALUES (new.id, new.title_terms, new.body_terms); END""",
]
_TSVECTOR = """ALTER TABLE search_entry ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple'::regconfig, title_terms), 'A')
    || setweight(to_tsvector('simple'::regconfig, body_terms), 'B')) STORED"""


def upgrade():
    with op.batch_alter_table("document_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("text_status", sa.String(length=20), nullable=True))
    op.create_table(
        "search_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=True),
        sa.Column("visibility", sa.String(length=20), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("title_terms", sa.Text(), nullable=False),
        sa.Column("body_terms", sa.Text(), nullable=False),
        sa.Column("idents", sa.String(length=1000), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entry")),
        sa.UniqueConstraint("kind", "object_id", name=op.f("uq_search_entry_kind")),
    )
    with op.batch_alter_table("search_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_entry_network_id"), ["network_id"])
        batch_op.create_index(batch_op.f("ix_search_entry_updated_at"), ["updated_at"])
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(_FTS)
        for trigger in _TRIGGERS:
            op.execute(trigger)
    elif bind.dialect.name == "postgresql":
        op.execute(_TSVECTOR)
        op.execute("CREATE INDEX ix_search_entry_tsv ON search_entry USING gin (tsv)")
    # What exists is indexed now (made by the application's own indexer, so that the
    # entries are those every later save writes).
    from intranet.search.index import rebuild

    session = Session(bind=bind)
    rebuild(session)
    session.flush()


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for trigger in ("search_entry_ai", "search_entry_ad", "search_entry_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    with op.batch_alter_table("search_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_entry_updated_at"))
        batch_op.drop_index(batch_op.f("ix_search_entry_network_id"))
    op.drop_table("search_entry")
    with op.batch_alter_table("document_version", schema=None) as batch_op:
        batch_op.drop_column("text_status")
        batch_op.drop_column("text")
