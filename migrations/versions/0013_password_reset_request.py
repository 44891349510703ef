"""password_reset_request: a reset request only writes a row, the same for every address, and
the mail sender looks the address up (a request that did the lookup and wrote the mail took
longer for a known address than for an unknown one)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 02:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "password_reset_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_reset_request")),
    )


def downgrade():
    op.drop_table("password_reset_request")
