"""The conflict of two saves that started from the same version, and the version check that
finds it. Text in, structure out; the base (the text both started from) is read from the
revisions only when a save has failed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy import func, select

from intranet.editing.diff import Diff, merge, word_diff
from intranet.extensions import db
from intranet.org.models import Person
from intranet.urls import db_int


@dataclass(frozen=True)
class Base:
    """The text two saves both started from (utgångstexten), and what each changed in it."""

    text: str
    number: int  # the revision the editor started from
    current_number: int  # the revision saved meanwhile
    saved_by: tuple[str | None, ...]  # who saved since, each once, in order (None: unknown)
    theirs: Diff  # from the base to the text saved meanwhile
    mine: Diff  # from the base to the editor's text
    # Both changes in one text when they changed different lines, else None.
    merged: str | None = None
    title: str = ""  # the title both started from
    current_title: str = ""  # the title saved meanwhile


# Why a conflict shows no base: the form did not say where the editor started, that
# revision is not there, or the text did not change since (something else did).
BASE_UNKNOWN, BASE_MISSING, BASE_UNCHANGED = "unknown", "missing", "unchanged"


@dataclass(frozen=True)
class Conflict:
    """A save that did not start from the current version: nothing was written."""

    mine: str  # the text the editor tried to save, kept whole
    current: str  # the text saved meanwhile
    current_version: int  # the version a merged save must carry
    diff: Diff  # from the current text to mine
    base: Base | None = None  # the text both started from, when it is known
    no_base: str = BASE_UNKNOWN  # why there is no base (when there is none)
    current_number: int | None = None  # the revision saved meanwhile, for texts with one
    # What else the other save changed that the form did not take over: (field's label, the
    # saved value, the form's value), said above the form (see editing.views.restart).
    other_fields: tuple[tuple[str, str, str], ...] = ()

    @property
    def identical(self) -> bool:
        return self.mine == self.current


class EditConflict(Exception):
    """Someone else saved since the version the editor started from; nothing was written.
    `conflict` holds both texts."""

    def __init__(self, conflict: Conflict):
        super().__init__("edit conflict")
        self.conflict = conflict


def saved_in_between(current_version: int, mine: str, current_text: str) -> EditConflict:
    """The conflict of a save that found another one saved in between: the editor's text and
    the one saved meanwhile, at its version. Raise it."""
    return EditConflict(Conflict(mine=mine, current=current_text,
                                 current_version=current_version,
                                 diff=word_diff(current_text, mine)))


def check_version(expected: int | None, current: int, mine: str,
                  current_text: str | Callable[[], str]) -> None:
    """Raise EditConflict unless the editor started from the current version. The current
    text may be a function: it is read only for a conflict."""
    if expected != current:
        raise saved_in_between(current, mine,
                               current_text() if callable(current_text) else current_text)


def revision_number(value) -> int | None:
    """The revision number a form carries (the hidden field `base`), or None for anything
    that is not one."""
    try:
        return db_int(value)
    except (TypeError, ValueError):
        return None


def version_number(value) -> int | None:
    """The version a form carries (the hidden field `version`), or None."""
    return revision_number(value)


def latest_number(owner, owner_id: int) -> int:
    """The number of the newest revision of one page or section; `owner` is the column of
    the revisions that names it (PageRevision.document_id, SectionRevision.section_id)."""
    model = owner.class_
    return db.session.scalar(select(func.max(model.number)).where(owner == owner_id)) or 0


def with_base(conflict: Conflict, owner, owner_id: int, base_number: int | None) -> Conflict:
    """The conflict with the text both saves started from: revision `base_number` of the
    page or section (`owner` as for latest_number), what was saved since and by whom. Two
    statements, however many saves came in between; only when a save has failed."""
    if base_number is None:
        return replace(conflict, no_base=BASE_UNKNOWN)
    model = owner.class_
    base = db.session.scalar(select(model).where(owner == owner_id,
                                                 model.number == base_number))
    if base is None:
        return replace(conflict, no_base=BASE_MISSING)
    later = db.session.execute(
        select(model.number, Person.name, model.title)
        .outerjoin(Person, Person.id == model.created_by_id)
        .where(owner == owner_id, model.number > base_number)
        .order_by(model.number)).all()
    if not later:
        return replace(conflict, no_base=BASE_UNCHANGED)
    saved_by: list[str | None] = []
    for _number, name, _title in later:
        if name not in saved_by:
            saved_by.append(name)
    return replace(conflict, base=Base(
        text=base.body, number=base.number, current_number=later[-1][0],
        saved_by=tuple(saved_by), theirs=word_diff(base.body, conflict.current),
        mine=word_diff(base.body, conflict.mine),
        merged=merge(base.body, conflict.current, conflict.mine),
        title=base.title, current_title=later[-1][2]))


def normalise_text(text: str) -> str:
    """Text as stored: line feeds only (browsers send CR LF from a textarea)."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")
