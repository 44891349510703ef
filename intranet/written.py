"""Rows written by a statement the unit of work does not see (a versioned save's UPDATE, a
soft delete in one statement): the code that writes them notes them here, so that what is
derived from them in the same transaction (the search index) hears of them as it hears of
the unit of work's own writes."""

from __future__ import annotations

from sqlalchemy.orm import Session

_KEY = "rows_written"


def note_written(session: Session, model, ids) -> None:
    """Rows of `model` with these ids were written by a plain statement."""
    session.info.setdefault(_KEY, set()).update((model, row_id) for row_id in ids)


def take_written(session: Session) -> set[tuple[type, int]]:
    """The rows noted since the last call (model, id), forgotten here."""
    return session.info.pop(_KEY, set())


def forget_written(session: Session) -> None:
    session.info.pop(_KEY, None)
