"""Reports of accessibility problems go to the secretariat."""

from __future__ import annotations

from sqlalchemy import select

from intranet.audit.services import record
from intranet.extensions import db
from intranet.notifications.services import queue
from intranet.org.models import Body, BodyKind, Person, Seat


def secretariat_staff() -> list[Person]:
    return list(db.session.scalars(
        select(Person).join(Seat, Seat.person_id == Person.id).join(Seat.body)
        .where(Body.kind == BodyKind.SECRETARIAT, Seat.current_on(), Person.active.is_(True))
        .order_by(Person.name)
    ))


def report_accessibility_problem(*, reporter: Person | None, message: str, page: str,
                                 contact: str) -> int:
    """Mail the report to every member of the secretariat; returns how many got it."""
    staff = secretariat_staff()
    for person in staff:
        queue(person, "accessibility_report", reporter=reporter, message=message.strip(),
              page=(page or "").strip(), contact=(contact or "").strip())
    record("accessibility_report", actor=reporter, page=(page or "")[:500])
    return len(staff)
