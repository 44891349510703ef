"""consultation_position.entered_on_behalf and source: the secretariat can record a
municipality's position on its behalf (directors often answer by e-mail), with where the
position came from ("enligt e-post från … den …")

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 04:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("consultation_position", schema=None) as batch_op:
        batch_op.add_column(sa.Column("entered_on_behalf", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("source", sa.String(length=300), nullable=False,
                                      server_default=""))


def downgrade():
    with op.batch_alter_table("consultation_position", schema=None) as batch_op:
        batch_op.drop_column("source")
        batch_op.drop_column("entered_on_behalf")
