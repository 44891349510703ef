"""Appointing network members (förordnanden): appoint, replace, end, give a term, set the
convener, and read coverage and history. Every change writes an audit row and queues the
e-mails it causes, in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from intranet import clock
from intranet.audit.services import record
from intranet.auth.models import TokenPurpose
from intranet.auth.services import issue_token
from intranet.authz import may
from intranet.extensions import db
from intranet.forms_flow import RuleError
from intranet.notifications.services import queue
from intranet.org.models import (
    Appointment,
    Body,
    BodyKind,
    Municipality,
    Network,
    NetworkRole,
    Person,
    Seat,
    normalise_email,
)
from intranet.org.services import current_appointments, municipalities
from intranet.text import contains
from intranet.urls import external_url


class AppointmentError(RuleError):
    """A rule of appointing was broken; the message is for the user."""


# ---------------------------------------------------------------- people


def find_people(municipality: Municipality | None, query: str = "", limit: int = 20,
                chosen: int | None = None) -> list[Person]:
    """Active people whose name, e-mail or title has `query`, in name order, at most `limit`:
    of `municipality`, or of every municipality (with it loaded) when it is None. The person
    `chosen` in the form, if active there, comes first whether matching or not, so that a
    choice is kept when the form is shown again."""
    base = select(Person).where(Person.active.is_(True))
    if municipality is not None:
        base = base.where(Person.municipality_id == municipality.id)
    else:
        base = base.options(joinedload(Person.municipality))
    stmt = base.where(contains(query, Person.name, Person.email, Person.title)) \
        if (query or "").strip() else base
    people = list(db.session.scalars(stmt.order_by(Person.name, Person.id).limit(limit)))
    if chosen and all(p.id != chosen for p in people):
        kept = db.session.scalar(base.where(Person.id == chosen))
        if kept is not None:
            people = [kept, *people[:limit - 1]]
    return people


def create_person(*, name: str, email: str, title: str, municipality: Municipality,
                  actor: Person) -> Person:
    email = normalise_email(email)
    existing = db.session.scalar(select(Person).where(Person.email == email))
    if existing is not None:
        if existing.municipality_id == municipality.id:
            raise AppointmentError(
                _l("%(name)s finns redan med den e-postadressen. Välj personen i listan i "
                   "stället.", name=existing.name), field="email")
        raise AppointmentError(_l("E-postadressen används redan av en annan person."),
                               field="email")
    person = Person(name=name.strip(), email=email, title=(title or "").strip(),
                    municipality=municipality, created_at=clock.utcnow())
    db.session.add(person)
    db.session.flush()
    record("person_created", actor=actor, obj=person, municipality=municipality.name)
    return person


# ---------------------------------------------------------------- appointing


def _overlapping(person: Person, network: Network, from_date: date, to_date: date | None,
                 ignore: Appointment | None = None) -> Appointment | None:
    stmt = select(Appointment).where(
        Appointment.person_id == person.id,
        Appointment.network_id == network.id,
        (Appointment.to_date.is_(None)) | (Appointment.to_date > from_date),
    )
    if to_date is not None:
        stmt = stmt.where(Appointment.from_date < to_date)
    if ignore is not None:
        stmt = stmt.where(Appointment.id != ignore.id)
    return db.session.scalars(stmt).first()


def appoint(*, actor: Person, network: Network, municipality: Municipality, person: Person,
            from_date: date, to_date: date | None = None, note: str = "",
            replaces: Appointment | None = None) -> Appointment:
    """Appoint a person of the municipality to the network from a date (and maybe a term)."""
    if network.archived_at is not None:
        raise AppointmentError(_l("Nätverket är arkiverat."))
    if person.municipality_id != municipality.id:
        raise AppointmentError(_l("Personen hör inte till %(municipality)s.",
                                  municipality=municipality.name), field="person_id")
    if not person.active:
        raise AppointmentError(_l("Personen är inaktiverad och kan inte utses."),
                               field="person_id")
    if from_date < person.created_at.date():
        raise AppointmentError(
            _l("Uppdraget kan inte börja innan personen lades in (%(date)s).",
               date=person.created_at.date().isoformat()), field="from_date")
    if to_date is not None and to_date <= from_date:
        raise AppointmentError(_l("Slutdatumet måste vara efter startdatumet."),
                               field="to_date")
    if _overlapping(person, network, from_date, to_date, ignore=replaces) is not None:
        raise AppointmentError(
            _l("%(name)s är redan utsedd till %(network)s under den tiden.",
               name=person.name, network=network.short_name), field="person_id")
    appointment = Appointment(
        person=person, network=network, municipality=municipality, role=NetworkRole.MEMBER,
        appointed_by=actor, from_date=from_date, to_date=to_date, note=(note or "").strip(),
        replaces=replaces, created_at=clock.utcnow(),
    )
    db.session.add(appointment)
    db.session.flush()
    record("appointment_created", actor=actor, obj=appointment, person_id=person.id,
           network=network.short_name, municipality=municipality.name,
           from_date=from_date.isoformat(), to_date=to_date.isoformat() if to_date else None,
           replaces=replaces.id if replaces else None)
    if person.password_hash is None:
        invite(person, actor)
    _notify(appointment, "appointed", actor=actor)
    return appointment


def invite(person: Person, actor: Person) -> None:
    """Send a one-time link (valid INVITATION_DAYS) to set a password."""
    days = current_app.config["INVITATION_DAYS"]
    token = issue_token(person, TokenPurpose.INVITATION, timedelta(days=days), actor=actor)
    link = external_url("auth.accept_invitation", token=token)
    queue(person, "invitation", link=link, days=days, inviter=actor)
    record("invitation_sent", actor=actor, obj=person)


def end(appointment: Appointment, *, actor: Person, to_date: date, reason: str = "") -> None:
    """End the appointment on to_date (the first day without access). A date in the future
    is a term: access ends then without anyone acting. Nothing is deleted."""
    today = clock.today()
    if appointment.to_date is not None and appointment.to_date <= today:
        raise AppointmentError(_l("Uppdraget är redan avslutat."))
    if to_date < appointment.from_date:
        raise AppointmentError(_l("Uppdraget kan inte sluta innan det börjar (%(date)s).",
                                  date=appointment.from_date.isoformat()), field="to_date")
    appointment.to_date = to_date
    appointment.end_reason = (reason or "").strip()
    appointment.ended_by = actor
    appointment.term_notice_sent_at = None
    action = "appointment_ended" if to_date <= today else "appointment_term_set"
    record(action, actor=actor, obj=appointment, to_date=to_date.isoformat(),
           reason=appointment.end_reason)
    _notify(appointment, "ended" if to_date <= today else "term_set", actor=actor)


def replace(appointment: Appointment, *, actor: Person, person: Person, on_date: date,
            note: str = "") -> Appointment:
    """End one appointment and start another for the same network and municipality on the
    same date, in one step."""
    if person.id == appointment.person_id:
        raise AppointmentError(_l("Välj en annan person än den som ersätts."), field="person_id")
    end(appointment, actor=actor, to_date=on_date,
        reason=str(_l("Ersatt av %(name)s", name=person.name)))
    return appoint(actor=actor, network=appointment.network,
                   municipality=appointment.municipality, person=person, from_date=on_date,
                   note=note, replaces=appointment)


# ---------------------------------------------------------------- e-mail


def directors_of(municipality_id: int, on: date | None = None) -> list[Person]:
    return list(db.session.scalars(
        select(Person).join(Seat, Seat.person_id == Person.id).join(Seat.body)
        .where(Body.kind == BodyKind.MANAGEMENT_GROUP, Seat.municipality_id == municipality_id,
               Seat.current_on(on), Person.active.is_(True))
    ))


def _notify(appointment: Appointment, event: str, actor: Person) -> None:
    """Tell the appointee and the network's conveners (once each); the reason an
    appointment ends only to those the policy shows it to."""
    recipients = {appointment.person.id: appointment.person}
    for current in current_appointments([appointment.network_id]):
        if current.is_convener and current.person.active:
            recipients.setdefault(current.person.id, current.person)
    link = external_url("networks.show", slug=appointment.network.slug)
    for person in recipients.values():
        queue(person, f"appointment_{event}", appointment=appointment, actor=actor,
              link=link, is_appointee=person.id == appointment.person_id,
              show_reason=may(person, "view_end_reason", appointment))


def send_term_reminders(today: date | None = None) -> int:
    """Tell the person and their municipality's director when an appointment's term ends
    within TERM_NOTICE_DAYS. Run daily (`flask send-term-reminders`)."""
    today = today or clock.today()
    horizon = today + timedelta(days=current_app.config["TERM_NOTICE_DAYS"])
    due = list(db.session.scalars(
        select(Appointment)
        .where(Appointment.to_date.is_not(None), Appointment.to_date > today,
               Appointment.to_date <= horizon, Appointment.from_date <= today,
               Appointment.term_notice_sent_at.is_(None))
        .options(selectinload(Appointment.person), selectinload(Appointment.network))
    ))
    for appointment in due:
        recipients = {appointment.person.id: appointment.person}
        for director in directors_of(appointment.municipality_id, today):
            recipients.setdefault(director.id, director)
        # The person opens the network; a director the page where they appoint a successor.
        network_link = external_url("networks.show", slug=appointment.network.slug)
        representation_link = external_url("appointments.municipality",
                                           municipality_id=appointment.municipality_id)
        for person in recipients.values():
            if person.active:
                is_appointee = person.id == appointment.person_id
                queue(person, "appointment_term_reminder", appointment=appointment,
                      is_appointee=is_appointee,
                      link=network_link if is_appointee else representation_link)
        appointment.term_notice_sent_at = clock.utcnow()
        record("term_reminder_sent", obj=appointment, to_date=appointment.to_date.isoformat())
    return len(due)


# ---------------------------------------------------------------- reading


@dataclass
class Coverage:
    """Networks × municipalities: the number of current members in each cell."""

    networks: list[Network]
    municipalities: list[Municipality]
    counts: dict[tuple[int, int], int]

    def count(self, network: Network, municipality: Municipality) -> int:
        return self.counts.get((network.id, municipality.id), 0)

    def network_total(self, network: Network) -> int:
        return sum(self.count(network, m) for m in self.municipalities)

    def network_gaps(self, network: Network) -> int:
        return sum(1 for m in self.municipalities if not self.count(network, m))

    def municipality_total(self, municipality: Municipality) -> int:
        return sum(self.count(n, municipality) for n in self.networks)

    def municipality_gaps(self, municipality: Municipality) -> int:
        return sum(1 for n in self.networks if not self.count(n, municipality))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def gap_count(self) -> int:
        return sum(self.network_gaps(n) for n in self.networks)


def coverage(on: date | None = None) -> Coverage:
    networks = list(db.session.scalars(
        select(Network).where(Network.active()).order_by(Network.name)))
    rows = db.session.execute(
        select(Appointment.network_id, Appointment.municipality_id, func.count())
        .where(Appointment.current_on(on))
        .group_by(Appointment.network_id, Appointment.municipality_id)
    ).all()
    return Coverage(networks, municipalities(), {(n, m): c for n, m, c in rows})


@dataclass
class CoverageRow:
    network: Network
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def gaps(self) -> int:
        return sum(1 for c in self.counts if not c)


@dataclass
class CoveragePage:
    """A page of the matrix: some networks' rows over every municipality, with the totals
    of all networks (counted in the database)."""

    municipalities: list[Municipality]
    rows: list[CoverageRow]
    pagination: object
    municipality_totals: list[int]
    municipality_gaps: list[int]
    total: int
    gap_count: int


def coverage_page(page: int, per_page: int, on: date | None = None) -> CoveragePage:
    """The coverage matrix a page of networks at a time: with all of Sweden's municipalities
    and hundreds of networks the whole matrix is far too big for one page."""
    current = Appointment.current_on(on)
    active = Network.active_ids().scalar_subquery()
    pagination = db.paginate(
        select(Network).where(Network.active()).order_by(Network.name, Network.id),
        page=page, per_page=per_page, max_per_page=None, error_out=False)
    all_municipalities = municipalities()
    ids = [n.id for n in pagination.items]
    counts = {(n, m): c for n, m, c in db.session.execute(
        select(Appointment.network_id, Appointment.municipality_id, func.count())
        .where(current, Appointment.network_id.in_(ids))
        .group_by(Appointment.network_id, Appointment.municipality_id))} if ids else {}
    # Per municipality over every active network: members, and networks with someone there.
    per_municipality = {m: (c, n) for m, c, n in db.session.execute(
        select(Appointment.municipality_id, func.count(),
               func.count(Appointment.network_id.distinct()))
        .where(current, Appointment.network_id.in_(active))
        .group_by(Appointment.municipality_id))}
    network_count = pagination.total or 0
    rows = [CoverageRow(n, [counts.get((n.id, m.id), 0) for m in all_municipalities])
            for n in pagination.items]
    covered = [per_municipality.get(m.id, (0, 0)) for m in all_municipalities]
    return CoveragePage(
        municipalities=all_municipalities, rows=rows, pagination=pagination,
        municipality_totals=[c for c, _ in covered],
        municipality_gaps=[network_count - n for _, n in covered],
        total=sum(c for c, _ in covered),
        gap_count=sum(network_count - n for _, n in covered))


@dataclass
class Representation:
    """One municipality's appointments in every network (Min kommuns representation)."""

    municipality: Municipality
    rows: list[tuple[Network, list[Appointment]]]

    @property
    def gaps(self) -> list[Network]:
        return [network for network, appointments in self.rows if not appointments]


def representation(municipality: Municipality, on: date | None = None) -> Representation:
    networks = list(db.session.scalars(
        select(Network).where(Network.active()).order_by(Network.name)))
    current = current_appointments([n.id for n in networks], on, municipality.id)
    upcoming = list(db.session.scalars(
        select(Appointment).where(Appointment.municipality_id == municipality.id,
                                  Appointment.from_date > (on or clock.today()))
        .options(selectinload(Appointment.person))
    ))
    by_network: dict[int, list[Appointment]] = {}
    for a in sorted(current + upcoming, key=lambda a: (a.from_date, a.person.name)):
        by_network.setdefault(a.network_id, []).append(a)
    return Representation(municipality, [(n, by_network.get(n.id, [])) for n in networks])


def history(network: Network) -> list[Appointment]:
    """Every appointment the network ever had, newest change first."""
    appointments = list(db.session.scalars(
        select(Appointment).where(Appointment.network_id == network.id)
        .options(selectinload(Appointment.person), selectinload(Appointment.appointed_by),
                 selectinload(Appointment.ended_by), selectinload(Appointment.municipality))
    ))
    return sorted(appointments, key=lambda a: (a.to_date or a.from_date, a.id), reverse=True)
