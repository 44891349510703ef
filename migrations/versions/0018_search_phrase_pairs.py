"""Search: an index of each kind's entries newest first (a common word's hits of one kind);
on PostgreSQL a GIN index of each entry's pairs of neighbouring stems, so that a phrase is
looked for only in the entries that hold its pairs (before, every entry holding all its
words was unpacked from the TOAST table to check the words' positions: 0.6 s for two common
words at the scale of all municipalities). SQLite's FTS5 finds phrases itself.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-11 09:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# The pairs of neighbouring words of a text of stems ("a b c": "a b", "b c"), each one
# lexeme with its space, which no word searched for can be. Immutable: an index's function.
_PAIRS = """CREATE FUNCTION search_pairs(terms text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    previous text := '';
    word text;
    found text[] := '{}';
BEGIN
    FOREACH word IN ARRAY string_to_array(terms, ' ') LOOP
        IF previous <> '' AND word <> '' THEN
            found := found || (previous || ' ' || word);
        END IF;
        previous := word;
    END LOOP;
    RETURN found;
END $$"""
_INDEX = """CREATE INDEX ix_search_entry_pairs ON search_entry USING gin (
    array_to_tsvector(search_pairs(title_terms) || search_pairs(body_terms)))"""


def upgrade():
    with op.batch_alter_table("search_entry", schema=None) as batch_op:
        batch_op.create_index("ix_search_entry_kind_updated_at", ["kind", "updated_at", "id"])
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_PAIRS)
    op.execute(_INDEX)
    # The planner's statistics of the indexed expression (how common each pair is).
    op.execute("ANALYZE search_entry")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_entry_pairs")
        op.execute("DROP FUNCTION IF EXISTS search_pairs(text)")
    with op.batch_alter_table("search_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_search_entry_kind_updated_at")
