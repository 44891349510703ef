"""The start page: the login before the last (what is new counts from it), and indexes for
what it reads per person: the revisions a person wrote, their comments, and the action rows
naming a network or a municipality.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-13 09:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

_INDEXES = (
    ("ix_consultation_revision_created_by_id", "consultation_revision", "created_by_id"),
    ("ix_page_revision_created_by_id", "page_revision", "created_by_id"),
    ("ix_consultation_comment_author_id", "consultation_comment", "author_id"),
    ("ix_action_item_network_network_id", "action_item_network", "network_id"),
    ("ix_action_item_municipality_municipality_id", "action_item_municipality",
     "municipality_id"),
)


def upgrade():
    with op.batch_alter_table("person") as batch_op:
        batch_op.add_column(sa.Column("previous_login_at", sa.DateTime(), nullable=True))
    for name, table, column in _INDEXES:
        op.create_index(name, table, [column], unique=False)


def downgrade():
    for name, table, _column in reversed(_INDEXES):
        op.drop_index(name, table_name=table)
    with op.batch_alter_table("person") as batch_op:
        batch_op.drop_column("previous_login_at")
