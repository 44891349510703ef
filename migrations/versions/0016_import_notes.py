"""action_import.notes: what reading the file noticed about it as a whole (read as
Windows-1252), kept with the waiting import so that the preview can say it

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-09 09:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("action_import", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notes", sa.JSON(), nullable=False,
                                      server_default=sa.text("'[]'")))


def downgrade():
    with op.batch_alter_table("action_import", schema=None) as batch_op:
        batch_op.drop_column("notes")
