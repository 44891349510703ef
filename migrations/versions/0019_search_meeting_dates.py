"""Search: a meeting's entry also holds its date written out in Swedish ("torsdag 14 januari
2027"), as its hit and the meetings' pages show it, so that "januari" finds it; the entries
of the meetings already indexed are made again.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-12 09:00:00

"""
from alembic import op
from sqlalchemy import text
from sqlalchemy.orm import Session

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    from intranet.search.index import refresh
    from intranet.search.models import MEETING

    session = Session(bind=op.get_bind())
    ids = session.scalars(text("SELECT id FROM meeting")).all()
    if ids:
        refresh(session, {(MEETING, meeting_id) for meeting_id in ids})
    session.flush()


def downgrade():
    pass  # the entries with the date written out are still entries of the meetings
