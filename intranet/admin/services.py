"""The secretariat's tools: people, seats in the bodies, networks, and reading the audit log.
Every change writes an audit row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from intranet import clock
from intranet.appointments.services import invite
from intranet.audit.models import AuditEvent
from intranet.audit.services import record
from intranet.auth.services import revoke_all_sessions
from intranet.extensions import db
from intranet.forms_flow import RuleError
from intranet.org.models import (
    Body,
    BodyKind,
    FocusArea,
    Municipality,
    Network,
    Person,
    Seat,
    normalise_email,
)
from intranet.text import contains, slugify


class AdminError(RuleError):
    """A refused administrative change; the message is for the user."""


# ---------------------------------------------------------------- people


def people_query(query: str = ""):
    stmt = select(Person).options(selectinload(Person.municipality),
                                  selectinload(Person.seats).selectinload(Seat.body))
    if (query or "").strip():
        stmt = stmt.outerjoin(Person.municipality).where(contains(
            query, Person.name, Person.email, Person.title, Municipality.name))
    return stmt.order_by(Person.name, Person.id)


def _check_email(email: str, person: Person | None = None) -> str:
    email = normalise_email(email)
    existing = db.session.scalar(select(Person).where(Person.email == email))
    if existing is not None and existing is not person:
        raise AdminError(_l("E-postadressen används redan av %(name)s.", name=existing.name),
                         field="email")
    return email


def create_person(*, actor: Person, name: str, email: str, title: str, phone: str,
                  municipality: Municipality | None, send_invitation: bool) -> Person:
    person = Person(name=name.strip(), email=_check_email(email), title=(title or "").strip(),
                    phone=(phone or "").strip(), municipality=municipality,
                    created_at=clock.utcnow())
    db.session.add(person)
    db.session.flush()
    record("person_created", actor=actor, obj=person)
    if send_invitation:
        invite(person, actor)
    return person


def update_person(person: Person, *, actor: Person, name: str, email: str, title: str,
                  phone: str, municipality: Municipality | None) -> None:
    email = _check_email(email, person)
    before = {"name": person.name, "email": person.email, "title": person.title,
              "phone": person.phone, "municipality_id": person.municipality_id}
    person.name, person.email = name.strip(), email
    person.title, person.phone = (title or "").strip(), (phone or "").strip()
    person.municipality = municipality
    after = {"name": person.name, "email": person.email, "title": person.title,
             "phone": person.phone,
             "municipality_id": municipality.id if municipality else None}
    record("person_updated", actor=actor, obj=person,
           changed={k: [before[k], after[k]] for k in before if before[k] != after[k]})


def active_secretariat_ids(on: date | None = None) -> set[int]:
    return set(db.session.scalars(
        select(Person.id).join(Seat, Seat.person_id == Person.id).join(Seat.body)
        .where(Body.kind == BodyKind.SECRETARIAT, Seat.current_on(on),
               Person.active.is_(True))))


def deactivate_person(person: Person, *, actor: Person) -> None:
    """The person can no longer log in; every open session ends at once. Their history and
    their name on what they wrote stay."""
    if not person.active:
        raise AdminError(_l("%(name)s är redan inaktiverad.", name=person.name))
    if active_secretariat_ids() == {person.id}:
        raise AdminError(_l("Det sista aktiva kontot i kansliet kan inte inaktiveras."))
    person.active = False
    ended = revoke_all_sessions(person)
    record("person_deactivated", actor=actor, obj=person, sessions_ended=ended)


def reactivate_person(person: Person, *, actor: Person) -> None:
    if person.active:
        raise AdminError(_l("%(name)s är redan aktiv.", name=person.name))
    person.active = True
    record("person_reactivated", actor=actor, obj=person)


# ---------------------------------------------------------------- bodies


@dataclass
class BodySeats:
    body: Body
    current: list[Seat]
    past: list[Seat]


def body_seats(on: date | None = None) -> list[BodySeats]:
    on = on or clock.today()
    seats = list(db.session.scalars(
        select(Seat).options(selectinload(Seat.person), selectinload(Seat.municipality))
        .order_by(Seat.from_date.desc())))
    result = []
    for body in db.session.scalars(select(Body).order_by(Body.position, Body.id)):
        mine = [s for s in seats if s.body_id == body.id]
        current = sorted([s for s in mine if s.is_current(on) or s.from_date > on],
                         key=lambda s: (s.municipality.position if s.municipality else -1,
                                        s.person.name))
        result.append(BodySeats(body, current, [s for s in mine if s not in current]))
    return result


def add_seat(*, actor: Person, body: Body, person: Person | None,
             municipality: Municipality | None, officer: str | None, seat_title: str,
             from_date: date) -> Seat:
    """Give a person a seat in a body from a date. An officer role (chair, vice chair) moves:
    whoever holds it in the body hands it over."""
    if person is None:
        raise AdminError(_l("Välj en person i listan."), field="person_id")
    if not person.active:
        raise AdminError(_l("Personen är inaktiverad."), field="person_id")
    if body.kind != BodyKind.SECRETARIAT and municipality is None:
        raise AdminError(_l("Välj vilken kommun platsen gäller."), field="municipality_id")
    overlapping = db.session.scalar(select(Seat).where(
        Seat.body_id == body.id, Seat.person_id == person.id,
        (Seat.to_date.is_(None)) | (Seat.to_date > from_date)))
    if overlapping is not None:
        raise AdminError(_l("%(name)s har redan en plats i %(body)s.", name=person.name,
                            body=body.name), field="person_id")
    if officer:
        for seat in db.session.scalars(select(Seat).where(
                Seat.body_id == body.id, Seat.officer == officer, Seat.current_on(from_date))):
            seat.officer = None
            record("seat_officer_moved", actor=actor, obj=seat, officer=officer)
    seat = Seat(body=body, person=person, municipality=municipality, officer=officer or None,
                seat_title=(seat_title or "").strip(), from_date=from_date)
    db.session.add(seat)
    db.session.flush()
    record("seat_created", actor=actor, obj=seat, body=body.name, person_id=person.id,
           officer=officer, from_date=from_date.isoformat())
    return seat


def end_seat(seat: Seat, *, actor: Person, to_date: date) -> None:
    if seat.to_date is not None and seat.to_date <= clock.today():
        raise AdminError(_l("Platsen är redan avslutad."))
    if to_date < seat.from_date:
        raise AdminError(_l("Platsen kan inte upphöra innan den börjar (%(date)s).",
                            date=seat.from_date.isoformat()), field="to_date")
    if (seat.body.kind == BodyKind.SECRETARIAT and to_date <= clock.today()
            and active_secretariat_ids() == {seat.person_id}):
        raise AdminError(_l("Det sista aktiva kontot i kansliet kan inte tas bort ur "
                            "kansliet."))
    seat.to_date = to_date
    record("seat_ended", actor=actor, obj=seat, to_date=to_date.isoformat())


# ---------------------------------------------------------------- networks


def create_network(*, actor: Person, name: str, short_name: str, description: str,
                   focus_areas: list[FocusArea]) -> Network:
    base = slugify(short_name) or slugify(name) or "natverk"
    slug, n = base, 2
    while db.session.scalar(select(Network.id).where(Network.slug == slug)) is not None:
        slug, n = f"{base}-{n}", n + 1
    network = Network(name=name.strip(), short_name=short_name.strip(), slug=slug,
                      description=(description or "").strip(), focus_areas=list(focus_areas),
                      created_at=clock.utcnow())
    db.session.add(network)
    db.session.flush()
    record("network_created", actor=actor, obj=network, slug=slug)
    return network


def archive_network(network: Network, *, actor: Person) -> None:
    if network.archived_at is not None:
        raise AdminError(_l("Nätverket är redan arkiverat."))
    network.archived_at = clock.utcnow()
    record("network_archived", actor=actor, obj=network)


def restore_network(network: Network, *, actor: Person) -> None:
    if network.archived_at is None:
        raise AdminError(_l("Nätverket är inte arkiverat."))
    network.archived_at = None
    record("network_restored", actor=actor, obj=network)


# ---------------------------------------------------------------- the audit log


@dataclass
class AuditFilter:
    person_id: int | None = None  # one person, from a link in the log
    person_query: str = ""  # or the people whose name or e-mail has these words
    object_type: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def statement(self):
        stmt = select(AuditEvent).options(selectinload(AuditEvent.actor))
        people = None
        if self.person_id:
            people = [self.person_id]
        elif self.person_query:
            people = select(Person.id).where(contains(self.person_query, Person.name,
                                                      Person.email)).scalar_subquery()
        if people is not None:
            # What the people did, and what was done to their accounts.
            stmt = stmt.where(or_(
                AuditEvent.actor_id.in_(people),
                and_(AuditEvent.object_type == "Person", AuditEvent.object_id.in_(people)),
            ))
        if self.object_type:
            stmt = stmt.where(AuditEvent.object_type == self.object_type)
        if self.action:
            stmt = stmt.where(AuditEvent.action == self.action)
        if self.date_from:
            stmt = stmt.where(AuditEvent.at >= datetime.combine(self.date_from, time.min))
        if self.date_to:
            stmt = stmt.where(AuditEvent.at < datetime.combine(self.date_to + timedelta(days=1),
                                                               time.min))
        return stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())

    def events(self, batch: int = 1000):
        """Every event the filter matches, newest first, read `batch` at a time, each batch
        after the time and id of the last one read: a log of years is never loaded whole."""
        statement = self.statement()
        last = None
        while True:
            page = statement if last is None else statement.where(or_(
                AuditEvent.at < last.at, and_(AuditEvent.at == last.at, AuditEvent.id < last.id)))
            events = db.session.scalars(page.limit(batch)).all()
            yield from events
            if len(events) < batch:
                return
            last = events[-1]

    def args(self, **changed) -> dict:
        """The filter as a URL's query arguments (as the log's form names them), with
        `changed` ones replaced (None leaves one out)."""
        args = {"person": self.person_id, "vem": self.person_query, "typ": self.object_type,
                "handling": self.action,
                "fran": self.date_from.isoformat() if self.date_from else None,
                "till": self.date_to.isoformat() if self.date_to else None}
        args.update(changed)
        return {name: value for name, value in args.items() if value}


def audit_choices() -> tuple[list[str], list[str]]:
    """The object types and actions that occur in the log, for the filter's lists."""
    types = [t for t in db.session.scalars(
        select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)) if t]
    actions = list(db.session.scalars(
        select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
    return types, actions
