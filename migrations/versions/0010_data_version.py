"""data_version: one token per scope of tables, changed by every committed write, so that
cached page fragments know when their data changed

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 06:00:00

"""
import secrets

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

SCOPES = ("actions", "consultations", "documents", "meetings", "org", "programme")


def upgrade():
    table = op.create_table(
        "data_version",
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_data_version")),
    )
    op.bulk_insert(table, [{"scope": s, "token": secrets.token_hex(8)} for s in SCOPES])


def downgrade():
    op.drop_table("data_version")
