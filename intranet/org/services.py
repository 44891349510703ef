"""Reading the organisation: who sits where today. Writes come with the appointments issue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app, has_app_context
from sqlalchemy import bindparam, event, func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from intranet import clock
from intranet.extensions import db
from intranet.org.models import (
    Appointment,
    Body,
    BodyKind,
    Cooperation,
    Municipality,
    Network,
    NetworkRole,
    Person,
    Seat,
)
from intranet.text import contains


@dataclass(frozen=True)
class CooperationName:
    name: str
    short_name: str


def cooperation_name() -> CooperationName | None:
    """The cooperation's name for every page's layout, read once per process. No page
    changes it: the demo seed, the load generator and a restore write it, each followed by
    a (re)start of the server; a write in this process forgets it (see below)."""
    cache = current_app.extensions.setdefault("cooperation_name", {})
    if "value" not in cache:
        row = db.session.execute(select(Cooperation.name, Cooperation.short_name)
                                 .where(Cooperation.id == 1)).first()
        if row is None:  # not seeded yet: ask again next time
            return None
        cache["value"] = CooperationName(row.name, row.short_name)
    return cache["value"]


def forget_cooperation_name(app=None) -> None:
    app = app or (current_app._get_current_object() if has_app_context() else None)
    if app is not None:
        app.extensions.pop("cooperation_name", None)


@event.listens_for(Cooperation, "after_insert")
@event.listens_for(Cooperation, "after_update")
@event.listens_for(Cooperation, "after_delete")
def _cooperation_written(*_args) -> None:
    forget_cooperation_name()


_NETWORK_BY_SLUG = select(Network).where(Network.slug == bindparam("slug"))


def network_by_slug(slug: str) -> Network | None:
    """The network of a URL: a statement built once, as every network's page starts here."""
    return db.session.scalar(_NETWORK_BY_SLUG, {"slug": slug})


def municipalities() -> list[Municipality]:
    return list(db.session.scalars(select(Municipality).order_by(Municipality.position,
                                                                  Municipality.name)))


def municipality_count() -> int:
    return db.session.scalar(select(func.count(Municipality.id))) or 0


@dataclass
class MunicipalityMembers:
    municipality: Municipality
    appointments: list[Appointment] = field(default_factory=list)

    @property
    def is_gap(self) -> bool:
        return not self.appointments


@dataclass
class NetworkMembers:
    """A network's current members, grouped by municipality, gaps included."""

    groups: list[MunicipalityMembers]

    @property
    def gaps(self) -> list[Municipality]:
        return [g.municipality for g in self.groups if g.is_gap]

    @property
    def covered_count(self) -> int:
        return sum(1 for g in self.groups if not g.is_gap)

    @property
    def member_count(self) -> int:
        return sum(len(g.appointments) for g in self.groups)

    @property
    def conveners(self) -> list[Person]:
        return [a.person for g in self.groups for a in g.appointments if a.is_convener]


def current_appointments(network_ids: list[int], on: date | None = None,
                         municipality_id: int | None = None) -> list[Appointment]:
    """The current appointments of the networks (for one municipality only, if given), by
    the person's name."""
    if not network_ids:
        return []
    stmt = (select(Appointment).join(Appointment.person)
            .where(Appointment.network_id.in_(network_ids), Appointment.current_on(on))
            .options(selectinload(Appointment.person))
            .order_by(Person.name))
    if municipality_id is not None:
        stmt = stmt.where(Appointment.municipality_id == municipality_id)
    return list(db.session.scalars(stmt))


def network_members(network: Network, on: date | None = None) -> NetworkMembers:
    by_municipality: dict[int, list[Appointment]] = {}
    for appointment in current_appointments([network.id], on):
        by_municipality.setdefault(appointment.municipality_id, []).append(appointment)
    for items in by_municipality.values():
        # Conveners first, then by name.
        items.sort(key=lambda a: (not a.is_convener, a.person.name))
    return NetworkMembers(
        [MunicipalityMembers(m, by_municipality.get(m.id, [])) for m in municipalities()]
    )


@dataclass
class NetworkSummary:
    network: Network
    conveners: list[Person]
    covered_count: int
    municipality_count: int
    my_role: str | None = None


def network_summaries(networks: list[Network], person: Person | None = None,
                      on: date | None = None,
                      roles: dict[int, str] | None = None) -> list[NetworkSummary]:
    """Conveners and coverage of many networks, counted in the database: a network of a
    national association has a hundred members, and none of them needs loading for this.
    `roles`: the person's role in each network, when the caller knows them already."""
    ids = [n.id for n in networks]
    if not ids:
        return []
    current = (Appointment.network_id.in_(ids), Appointment.current_on(on))
    # The number of municipalities with each network's coverage (one query; on its own when
    # no network has a member).
    rows = db.session.execute(
        select(Appointment.network_id, func.count(Appointment.municipality_id.distinct()),
               select(func.count(Municipality.id)).scalar_subquery())
        .where(*current).group_by(Appointment.network_id)).all()
    covered = {network_id: count for network_id, count, _total in rows}
    total = rows[0][2] if rows else municipality_count()
    conveners: dict[int, list[Person]] = {}
    for a in db.session.scalars(
            select(Appointment).join(Appointment.person)
            .where(*current, Appointment.role == NetworkRole.CONVENER)
            .options(contains_eager(Appointment.person)).order_by(Person.name)):
        conveners.setdefault(a.network_id, []).append(a.person)
    mine: dict[int, str] = dict(roles or {})
    if person is not None and roles is None:
        for network_id, role in db.session.execute(
                select(Appointment.network_id, Appointment.role)
                .where(*current, Appointment.person_id == person.id)):
            if role == NetworkRole.CONVENER or network_id not in mine:
                mine[network_id] = role
    return [
        NetworkSummary(
            network=n,
            conveners=conveners.get(n.id, []),
            covered_count=covered.get(n.id, 0),
            municipality_count=total,
            my_role=mine.get(n.id),
        )
        for n in networks
    ]


def active_networks(query: str = "", focus_area_id: int | None = None) -> list[Network]:
    return list(db.session.scalars(_directory(query, focus_area_id)))


def directory_page(query: str = "", focus_area_id: int | None = None, page: int = 1):
    """A page of the network directory (a Flask-SQLAlchemy pagination): at national scale
    the networks are hundreds."""
    return db.paginate(_directory(query, focus_area_id), page=page,
                       per_page=current_app.config["NETWORKS_PER_PAGE"], error_out=False)


def _directory(query: str, focus_area_id: int | None):
    stmt = (
        select(Network)
        .where(Network.active())
        .options(selectinload(Network.focus_areas))
        .order_by(Network.name_key, Network.id)  # Swedish order, one order across pages
    )
    query = (query or "").strip()
    if query:
        stmt = stmt.where(contains(query, Network.name, Network.short_name,
                                   Network.description))
    if focus_area_id:
        stmt = stmt.where(Network.focus_areas.any(id=focus_area_id))
    return stmt


def networks_of(person: Person, on: date | None = None) -> list[Network]:
    """The networks the person is currently appointed to."""
    return list(
        db.session.scalars(
            select(Network)
            .join(Appointment, Appointment.network_id == Network.id)
            .where(
                Appointment.person_id == person.id,
                Appointment.current_on(on),
                Network.active(),
            )
            .options(joinedload(Network.focus_areas))
            .order_by(Network.name)
        ).unique()
    )


@dataclass
class BodyRoster:
    """A body's current seats: per municipality for the committee and management group, a
    plain list for the secretariat."""

    body: Body
    rows: list[tuple[Municipality | None, list[Seat]]]

    @property
    def officers(self) -> list[Seat]:
        seats = [s for _, seats in self.rows for s in seats if s.officer]
        order = {"chair": 0, "vice_chair": 1}
        return sorted(seats, key=lambda s: order.get(s.officer, 9))


def body_rosters(on: date | None = None) -> list[BodyRoster]:
    on = on or clock.today()
    bodies = list(db.session.scalars(select(Body).order_by(Body.position, Body.id)))
    seats = list(
        db.session.scalars(
            select(Seat)
            .join(Seat.person)
            .where(Seat.current_on(on))
            .options(selectinload(Seat.person), selectinload(Seat.municipality))
            .order_by(Person.name)
        )
    )
    all_municipalities = municipalities()
    rosters = []
    for body in bodies:
        body_seats = [s for s in seats if s.body_id == body.id]
        if body.kind == BodyKind.SECRETARIAT:
            rows = [(None, body_seats)]
        else:
            rows = [
                (m, [s for s in body_seats if s.municipality_id == m.id])
                for m in all_municipalities
            ]
        rosters.append(BodyRoster(body, rows))
    return rosters




def seats_of(person: Person, on: date | None = None) -> list[Seat]:
    """The person's current seats in the bodies."""
    return list(
        db.session.scalars(
            select(Seat)
            .join(Seat.body)
            .where(Seat.person_id == person.id, Seat.current_on(on))
            .options(contains_eager(Seat.body), joinedload(Seat.municipality))
            .order_by(Body.position)
        )
    )


def appointments_of(person: Person) -> tuple[list[Appointment], list[Appointment]]:
    """The person's (current and upcoming, past) appointments."""
    today = clock.today()
    rows = list(db.session.scalars(
        select(Appointment).where(Appointment.person_id == person.id)
        .options(selectinload(Appointment.network), selectinload(Appointment.municipality))
        .order_by(Appointment.from_date.desc())
    ))
    past = [a for a in rows if a.to_date is not None and a.to_date <= today]
    return [a for a in rows if a not in past], past
