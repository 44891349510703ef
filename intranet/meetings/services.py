"""The bodies' meeting dates and which meeting can still handle a deadline. Writes record an
audit row; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, extract, false, select
from sqlalchemy.orm.exc import StaleDataError

from intranet import clock
from intranet.audit.services import record
from intranet.extensions import db
from intranet.forms_flow import RuleError
from intranet.meetings.models import MEETING_KINDS, Meeting
from intranet.org.models import Body, BodyKind


class MeetingConflict(RuleError):
    """Someone else saved the meeting after the person opened the form."""


@dataclass(frozen=True)
class Window:
    body: Body
    meeting: Meeting | None  # the last meeting of this body that can still handle it


# ---------------------------------------------------------------- reading


def meeting_bodies() -> list[Body]:
    """The bodies that meet, that exist: the management group first, then the committee.
    Read once per request."""
    if has_request_context() and "_meeting_bodies" in g:
        return g._meeting_bodies
    bodies = {b.kind: b for b in db.session.scalars(
        select(Body).where(Body.kind.in_(list(MEETING_KINDS))))}
    found = [bodies[kind] for kind in MEETING_KINDS if kind in bodies]
    if has_request_context():
        g._meeting_bodies = found
    return found


def body_of_kind(kind: str) -> Body | None:
    if kind not in MEETING_KINDS:
        return None
    return next((b for b in meeting_bodies() if b.kind == kind), None)


def list_meetings(body: Body, year: int | None = None) -> list[Meeting]:
    """The body's meetings in date order, all of them or one year's."""
    stmt = select(Meeting).where(Meeting.body_id == body.id)
    if year is not None:
        stmt = stmt.where(Meeting.held_on >= date(year, 1, 1),
                          Meeting.held_on <= date(year, 12, 31))
    return list(db.session.scalars(stmt.order_by(Meeting.held_on)))


def _last(meetings: list[Meeting], body: Body, start: date, end: date, *,
          inclusive: bool = True) -> Meeting | None:
    """The body's last meeting with start <= held_on <= end (< end when not inclusive)."""
    found = [m for m in meetings if m.body_id == body.id and start <= m.held_on
             and (m.held_on <= end if inclusive else m.held_on < end)]
    return max(found, key=lambda m: m.held_on, default=None)


def handling_meetings(deadline: date | None, today: date) -> list[Window]:
    """For a deadline: the last meeting of each body that can still handle the matter.

    The committee: its last meeting from today up to and including the deadline. The
    management group prepares the committee's meetings, so its last meeting before that
    committee meeting; when the committee has none in time, its last meeting up to the
    deadline. A window without a meeting means there is none in time (ask for an extension).
    No deadline, no windows."""
    if deadline is None:
        return []
    bodies = {b.kind: b for b in meeting_bodies()}
    meetings = list(db.session.scalars(select(Meeting).where(
        Meeting.body_id.in_([b.id for b in bodies.values()]),
        Meeting.held_on >= today, Meeting.held_on <= deadline))) if deadline >= today else []
    return _windows(bodies, meetings, deadline, today)


def windows_by_deadline(deadlines: list[date | None], today: date) -> dict:
    """`handling_meetings` for many deadlines at once, the bodies and their meetings read in
    one query: deadline → its windows."""
    latest = max((d for d in deadlines if d is not None), default=None)
    in_time = (and_(Meeting.held_on >= today, Meeting.held_on <= latest)
               if latest is not None and latest >= today else false())
    rows = db.session.execute(
        select(Body, Meeting).outerjoin(Meeting, and_(Meeting.body_id == Body.id, in_time))
        .where(Body.kind.in_(list(MEETING_KINDS))).order_by(Body.id)).all()
    bodies = {body.kind: body for body, _meeting in rows}
    meetings = [meeting for _body, meeting in rows if meeting is not None]
    return {deadline: _windows(bodies, [m for m in meetings if deadline is not None
                                        and m.held_on <= deadline], deadline, today)
            for deadline in set(deadlines)}


def _windows(bodies: dict, meetings: list[Meeting], deadline: date | None,
             today: date) -> list[Window]:
    if deadline is None:
        return []
    committee = bodies.get(BodyKind.COMMITTEE)
    management = bodies.get(BodyKind.MANAGEMENT_GROUP)
    committee_meeting = _last(meetings, committee, today, deadline) if committee else None
    windows = []
    if management is not None:
        if committee_meeting is not None:
            prepares = _last(meetings, management, today, committee_meeting.held_on,
                             inclusive=False)
        else:
            prepares = _last(meetings, management, today, deadline)
        windows.append(Window(body=management, meeting=prepares))
    if committee is not None:
        windows.append(Window(body=committee, meeting=committee_meeting))
    return windows


def first_meeting(kind: str, on_or_after: date) -> Meeting | None:
    """The body's first meeting on or after the day (a decision's date starts from it)."""
    body = body_of_kind(kind)
    if body is None:
        return None
    return db.session.scalar(
        select(Meeting).where(Meeting.body_id == body.id, Meeting.held_on >= on_or_after)
        .order_by(Meeting.held_on).limit(1))


def next_meetings(kind: str, today: date, limit: int = 3) -> list[Meeting]:
    """The body's next meetings from today on (today's included), earliest first."""
    body = body_of_kind(kind)
    if body is None:
        return []
    return list(db.session.scalars(
        select(Meeting).where(Meeting.body_id == body.id, Meeting.held_on >= today)
        .order_by(Meeting.held_on).limit(limit)))


def years_with_meetings() -> list[int]:
    year = extract("year", Meeting.held_on)
    return sorted(int(y) for y in db.session.scalars(select(year).distinct()) if y is not None)


# ---------------------------------------------------------------- writing


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _clean_note(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _check_free(body: Body, held_on: date, meeting: Meeting | None = None) -> None:
    existing = db.session.scalar(select(Meeting).where(
        Meeting.body_id == body.id, Meeting.held_on == held_on))
    if existing is not None and existing is not meeting:
        raise RuleError(_l("%(body)s har redan ett möte den dagen. Ändra det mötet i stället.",
                           body=body.name), field="held_on")


def _values(meeting: Meeting) -> dict:
    return {"held_on": meeting.held_on.isoformat(), "time_text": meeting.time_text,
            "place": meeting.place, "note": meeting.note}


def add_meeting(*, actor, body: Body, held_on: date, time_text: str = "", place: str = "",
                note: str = "") -> Meeting:
    if body.kind not in MEETING_KINDS:
        raise RuleError(_l("Bara samarbetskommittén och ledningsgruppen har möten här."))
    _check_free(body, held_on)
    now = clock.utcnow()
    meeting = Meeting(body=body, held_on=held_on, time_text=_clean(time_text),
                      place=_clean(place), note=_clean_note(note), created_at=now,
                      updated_at=now)
    db.session.add(meeting)
    db.session.flush()
    record("meeting_added", actor=actor, obj=meeting, body=body.kind, **_values(meeting))
    return meeting


def _conflict(meeting: Meeting) -> MeetingConflict:
    return MeetingConflict(_l(
        "Någon annan har ändrat mötet medan du hade formuläret öppet. Sparat nu: %(date)s, "
        "%(time)s, %(place)s. Dina ändringar står kvar nedan: spara igen för att ersätta.",
        date=meeting.held_on.isoformat(), time=meeting.time_text or "–",
        place=meeting.place or "–"))


def update_meeting(meeting: Meeting, *, actor, expected_version: int | None, held_on: date,
                   time_text: str = "", place: str = "", note: str = "") -> list[str]:
    """Save the changes, if the meeting is still at the version the person started from.
    Returns the names of the changed fields (none: nothing saved). A stale version raises
    MeetingConflict (a RuleError for the whole form)."""
    before = _values(meeting)
    wanted = {"held_on": held_on.isoformat(), "time_text": _clean(time_text),
              "place": _clean(place), "note": _clean_note(note)}
    changed = [key for key in before if before[key] != wanted[key]]
    if not changed:
        return []
    if expected_version != meeting.lock_version:
        raise _conflict(meeting)
    _check_free(meeting.body, held_on, meeting)
    with db.session.no_autoflush:
        meeting.held_on = held_on
        meeting.time_text, meeting.place = wanted["time_text"], wanted["place"]
        meeting.note = wanted["note"]
        meeting.updated_at = clock.utcnow()
    try:
        db.session.flush()  # UPDATE … WHERE lock_version = the one read: a race is caught here
    except StaleDataError as error:
        db.session.rollback()
        raise _conflict(db.session.get(Meeting, meeting.id) or meeting) from error
    record("meeting_updated", actor=actor, obj=meeting, body=meeting.body.kind,
           changed={key: [before[key], wanted[key]] for key in changed})
    return changed


def remove_meeting(meeting: Meeting, *, actor) -> None:
    """Take a cancelled or mistaken date out of the calendar. What it was stays in the
    audit row."""
    record("meeting_removed", actor=actor, obj=meeting, body=meeting.body.kind,
           **_values(meeting))
    db.session.delete(meeting)
    db.session.flush()
