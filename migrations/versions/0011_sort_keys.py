"""action_item and network: each text column's key in Swedish order, case folded, so that
the combined plan is sorted and searched in the database

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 18:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

ROW_KEYS = {"activity": "activity_key", "responsible": "responsible_key", "cost": "cost_key",
            "time_text": "time_key", "comment": "comment_key"}
BATCH = 2000


def sort_key(text):
    """As intranet.text.sort_key made it when this migration was written."""
    return (text or "").strip().casefold().translate({0xE5: 0xE4, 0xE4: 0xE5})


def _key_type():
    return sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def _fill(table: str, keys: dict) -> None:
    """Every row's keys from its texts, a batch at a time."""
    conn = op.get_bind()
    source = sa.table(table, sa.column("id"), *(sa.column(c) for c in keys))
    target = sa.table(table, sa.column("id"), *(sa.column(c) for c in keys.values()))
    write = (sa.update(target).where(target.c.id == sa.bindparam("row_id"))
             .values({k: sa.bindparam(k) for k in keys.values()}))
    last = 0
    while True:
        rows = conn.execute(sa.select(source).where(source.c.id > last)
                            .order_by(source.c.id).limit(BATCH)).all()
        if not rows:
            return
        conn.execute(write, [{"row_id": row.id,
                              **{key: sort_key(getattr(row, text)) for text, key in keys.items()}}
                             for row in rows])
        last = rows[-1].id


def upgrade():
    for key in ROW_KEYS.values():
        op.add_column("action_item", sa.Column(key, _key_type(), server_default="",
                                               nullable=False))
    op.add_column("network", sa.Column("name_key", _key_type(), server_default="",
                                       nullable=False))
    _fill("action_item", ROW_KEYS)
    _fill("network", {"name": "name_key"})
    # The combined plan is in network name order: its first page from the index.
    op.create_index(op.f("ix_network_name_key"), "network", ["name_key"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_network_name_key"), table_name="network")
    with op.batch_alter_table("network") as batch_op:
        batch_op.drop_column("name_key")
    with op.batch_alter_table("action_item") as batch_op:
        for key in reversed(ROW_KEYS.values()):
            batch_op.drop_column(key)
