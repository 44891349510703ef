"""Demo data: the real structure of the Södertörn cooperation (from organisation.json) with
invented people. Running it again changes nothing that is already there."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from intranet import clock
from intranet.auth.passwords import hash_password
from intranet.demo import require_development
from intranet.extensions import db
from intranet.org.models import (
    Appointment,
    Body,
    BodyKind,
    Cooperation,
    FocusArea,
    Municipality,
    Network,
    NetworkRole,
    Person,
    Seat,
    SubGoal,
)
from intranet.text import slugify

DEMO_PASSWORD = "Samverkan-demo-2026"
SEAT_START = date(2023, 1, 1)

BODY_KINDS = {
    "committee": BodyKind.COMMITTEE,
    "management_group": BodyKind.MANAGEMENT_GROUP,
    "secretariat": BodyKind.SECRETARIAT,
}
BODY_TEXT = {
    BodyKind.COMMITTEE: (
        "Driver frågor som gagnar Södertörn, beslutar om den årliga verksamhetsplanen och "
        "antar gemensamma remissvar.",
        "Kommunstyrelsens ordförande i var och en av kommunerna.",
    ),
    BodyKind.MANAGEMENT_GROUP: (
        "Bereder samarbetskommitténs möten, samordnar samarbetet och utser kommunens "
        "representanter i chefsnätverken.",
        "Kommundirektören i var och en av kommunerna.",
    ),
    BodyKind.SECRETARIAT: (
        "Driver samarbetet i vardagen: samverkansytan, konferenser och stöd till "
        "samarbetskommittén och ledningsgruppen.",
        "En strateg och en administratör.",
    ),
}
NETWORK_TEXT = {
    "SUP": "Planeringscheferna i kommunerna. Huvudnätverk för infrastruktur; svarar på remisser "
    "om transportinfrastruktur.",
    "Klimat": "Kommunernas klimatstrateger. Laddinfrastruktur, BioDriv Öst/Fossilfritt 2030 och "
    "klimatkrav i upphandling.",
    "SNUG": "Kommunernas näringslivschefer. Näringslivsutveckling och etableringar; följer även "
    "yrkeshögskolan.",
    "Kommunikation": "Kommunernas kommunikationschefer. Marknadsföring och kommunikation; "
    "planerar Södertörnskonferensen.",
    "Ekonomi": "Kommunernas ekonomidirektörer. Arrangerar temadagen om effektiv "
    "verksamhetsutveckling.",
}

# Invented people. (first name, last name)
FIRST = [
    "Karin", "Johan", "Sara", "Ahmed", "Linnea", "Mikael", "Eva", "Fredrik", "Amira", "Henrik",
    "Maja", "Tobias", "Sofia", "Daniel", "Helena", "Niklas", "Ida", "Patrik", "Leila", "Magnus",
    "Therese", "Jonas", "Emelie", "Rasmus", "Nadia", "Per", "Cecilia", "Viktor", "Hanna", "Ali",
    "Lotta", "Gustav", "Frida", "Mattias", "Camilla", "Erik", "Yasmin", "Anders", "Malin",
    "Kristoffer", "Jenny", "Samir", "Louise", "Robin", "Åsa", "Oskar", "Elin", "Filip",
]
LAST = [
    "Berglund", "Lindqvist", "Ekholm", "Karimi", "Holm", "Nyström", "Sandberg", "Wikström",
    "Haddad", "Björklund", "Engström", "Falk", "Sjöberg", "Lundin", "Norén", "Blom", "Hedberg",
    "Axelsson", "Rahimi", "Dahlgren", "Öberg", "Forsberg", "Strand", "Hägglund", "Jovanović",
    "Palm", "Wallin", "Ström", "Åkesson", "Lind", "Mattsson", "Nordin", "Östlund", "Hedlund",
    "Sundqvist", "Bergman", "Ekström", "Yilmaz", "Lager", "Granath", "Kjellberg", "Moberg",
    "Rydén", "Vesterlund", "Almqvist", "Tran", "Borg", "Håkansson",
]

# Network members per network short name: municipality → number of members (0 = a gap).
# Botkyrka, the demo director's municipality, has its gap in Ekonomi: his start page lists
# a network to appoint a member to.
COVERAGE = {
    "SUP": {"Botkyrka": 1, "Haninge": 1, "Huddinge": 2, "Nykvarn": 1, "Nynäshamn": 1,
            "Salem": 1, "Södertälje": 1, "Tyresö": 1},
    "Klimat": {"Botkyrka": 1, "Haninge": 1, "Huddinge": 1, "Nykvarn": 0, "Nynäshamn": 1,
               "Salem": 0, "Södertälje": 1, "Tyresö": 1},
    "SNUG": {"Botkyrka": 1, "Haninge": 1, "Huddinge": 1, "Nykvarn": 1, "Nynäshamn": 1,
             "Salem": 1, "Södertälje": 1, "Tyresö": 0},
    "Kommunikation": {"Botkyrka": 1, "Haninge": 1, "Huddinge": 1, "Nykvarn": 0,
                      "Nynäshamn": 0, "Salem": 1, "Södertälje": 1, "Tyresö": 1},
    "Ekonomi": {"Botkyrka": 0, "Haninge": 1, "Huddinge": 1, "Nykvarn": 1, "Nynäshamn": 1,
                "Salem": 1, "Södertälje": 1, "Tyresö": 1},
}
CONVENER_MUNICIPALITY = {
    "SUP": "Huddinge", "Klimat": "Haninge", "SNUG": "Södertälje", "Kommunikation": "Botkyrka",
    "Ekonomi": "Tyresö",
}
NETWORK_TITLES = {
    "SUP": "Planeringschef", "Klimat": "Klimatstrateg", "SNUG": "Näringslivschef",
    "Kommunikation": "Kommunikationschef", "Ekonomi": "Ekonomidirektör",
}

# The named demo accounts listed in the README, one per role.
DEMO_ACCOUNTS = [
    # (first, last, municipality, title, what they are)
    ("Elin", "Strand", "Huddinge", "Strateg", "secretariat"),
    ("Karin", "Berglund", "Tyresö", "Kommunstyrelsens ordförande", "committee_chair"),
    ("Johan", "Lindqvist", "Huddinge", "Kommundirektör", "director_chair"),
    ("Mikael", "Nyström", "Botkyrka", "Kommundirektör", "director"),
    ("Sara", "Ekholm", "Huddinge", "Planeringschef", "convener:SUP"),
    ("Ahmed", "Karimi", "Botkyrka", "Planeringschef", "member:SUP"),
    ("Linnea", "Holm", "Haninge", "Klimatstrateg", "convener:Klimat"),
]


def load_organisation(path: Path) -> dict:
    with path.open(encoding="utf-8") as f:
        return json.load(f)


def email_for(first: str, last: str, municipality: str) -> str:
    return f"{slugify(first)}.{slugify(last)}@{slugify(municipality)}.example"


def _one(stmt):
    return db.session.scalar(stmt)


def seed_structure(data: dict) -> None:
    """Cooperation, municipalities, bodies, focus areas with sub-goals, networks."""
    coop = data["cooperation"]
    cooperation = db.session.get(Cooperation, 1)
    if cooperation is None:
        db.session.add(Cooperation(id=1, name=coop["name"], short_name=coop["short_name"]))

    for position, name in enumerate(data["municipalities"]):
        if _one(select(Municipality).where(Municipality.name == name)) is None:
            db.session.add(Municipality(name=name, position=position))

    for position, body in enumerate(data["bodies"]):
        kind = BODY_KINDS[body["key"]]
        if _one(select(Body).where(Body.kind == kind)) is None:
            description, members = BODY_TEXT.get(kind, (body.get("role", ""), ""))
            db.session.add(Body(kind=kind, name=body["name"], description=description,
                                members_description=members, position=position))

    for position, area in enumerate(data["development_programme"]["focus_areas"]):
        focus = _one(select(FocusArea).where(FocusArea.name == area["name"]))
        if focus is None:
            focus = FocusArea(name=area["name"], kind=area.get("kind", ""),
                              goal=area.get("goal", ""), position=position)
            db.session.add(focus)
            db.session.flush()
        for sub_position, text in enumerate(area["sub_goals"]):
            exists = _one(select(SubGoal).where(SubGoal.focus_area_id == focus.id,
                                                SubGoal.text == text))
            if exists is None:
                db.session.add(SubGoal(focus_area_id=focus.id, text=text,
                                       position=sub_position))
    db.session.flush()

    for item in data["networks"]:
        slug = slugify(item["short"])
        if _one(select(Network).where(Network.slug == slug)) is not None:
            continue
        areas = list(db.session.scalars(select(FocusArea).where(
            FocusArea.name.in_(item["focus_areas"]))))
        db.session.add(Network(
            name=item["name"], short_name=item["short"], slug=slug,
            description=NETWORK_TEXT.get(item["short"], item.get("note", "")),
            focus_areas=areas,
        ))
    db.session.flush()


class _People:
    """Hands out invented, unique names in a fixed order."""

    def __init__(self, taken: set[tuple[str, str]]):
        self.taken = set(taken)
        self.i = 0

    def next(self) -> tuple[str, str]:
        while True:
            first = FIRST[self.i % len(FIRST)]
            last = LAST[(self.i * 7 + self.i // len(FIRST)) % len(LAST)]
            self.i += 1
            if (first, last) not in self.taken:
                self.taken.add((first, last))
                return first, last


def _person(first: str, last: str, municipality: Municipality, title: str,
            password_hash: str) -> Person:
    email = email_for(first, last, municipality.name)
    person = _one(select(Person).where(Person.email == email))
    if person is None:
        person = Person(name=f"{first} {last}", email=email, title=title,
                        municipality=municipality, password_hash=password_hash)
        db.session.add(person)
        db.session.flush()
    return person


def _seat(body: Body, person: Person, municipality: Municipality | None, officer=None,
          seat_title: str = "") -> None:
    exists = _one(select(Seat).where(Seat.body_id == body.id, Seat.person_id == person.id,
                                     Seat.to_date.is_(None)))
    if exists is None:
        db.session.add(Seat(body=body, person=person, municipality=municipality,
                            officer=officer, seat_title=seat_title, from_date=SEAT_START))


def _appoint(network: Network, person: Person, municipality: Municipality, role: str,
             appointed_by: Person | None, from_date: date) -> None:
    exists = _one(select(Appointment).where(
        Appointment.network_id == network.id, Appointment.person_id == person.id))
    if exists is None:
        db.session.add(Appointment(network=network, person=person, municipality=municipality,
                                   role=role, appointed_by=appointed_by, from_date=from_date))


def seed_people() -> None:
    """Invented people: the secretariat, one committee member and one director per
    municipality, and network members with some gaps."""
    password_hash = hash_password(DEMO_PASSWORD)
    by_name = {m.name: m for m in db.session.scalars(select(Municipality))}
    bodies = {b.kind: b for b in db.session.scalars(select(Body))}
    networks = {n.short_name: n for n in db.session.scalars(select(Network))}
    people = _People({(f, last) for f, last, *_ in DEMO_ACCOUNTS})

    named = {}
    for first, last, municipality, title, what in DEMO_ACCOUNTS:
        named[what] = _person(first, last, by_name[municipality], title, password_hash)

    secretariat = bodies[BodyKind.SECRETARIAT]
    _seat(secretariat, named["secretariat"], None, seat_title="Strateg")
    first, last = people.next()
    admin = _person(first, last, by_name["Huddinge"], "Administratör", password_hash)
    _seat(secretariat, admin, None, seat_title="Administratör")

    committee = bodies[BodyKind.COMMITTEE]
    management = bodies[BodyKind.MANAGEMENT_GROUP]
    directors: dict[str, Person] = {}
    for name, municipality in by_name.items():
        if name == "Tyresö":
            chair = named["committee_chair"]
        else:
            chair = _person(*people.next(), municipality, "Kommunstyrelsens ordförande",
                            password_hash)
        officer = "chair" if name == "Tyresö" else "vice_chair" if name == "Botkyrka" else None
        _seat(committee, chair, municipality, officer=officer,
              seat_title="Kommunstyrelsens ordförande")
        if name == "Huddinge":
            director = named["director_chair"]
        elif name == "Botkyrka":
            director = named["director"]
        else:
            director = _person(*people.next(), municipality, "Kommundirektör", password_hash)
        directors[name] = director
        _seat(management, director, municipality,
              officer="chair" if name == "Huddinge" else None, seat_title="Kommundirektör")

    for short, coverage in COVERAGE.items():
        network = networks.get(short)
        if network is None:
            continue
        for index, (name, count) in enumerate(coverage.items()):
            municipality = by_name[name]
            for n in range(count):
                key_convener = f"convener:{short}"
                key_member = f"member:{short}"
                is_convener = n == 0 and CONVENER_MUNICIPALITY[short] == name
                if is_convener and key_convener in named:
                    person = named[key_convener]
                elif (n == 0 and key_member in named
                      and named[key_member].municipality == municipality):
                    person = named[key_member]
                else:
                    person = _person(*people.next(), municipality, NETWORK_TITLES[short],
                                     password_hash)
                role = NetworkRole.CONVENER if is_convener else NetworkRole.MEMBER
                _appoint(network, person, municipality, role, directors[name],
                         date(2024, 1 + (index % 12), 1 + (n * 9)))


def seed_demo(organisation_path: Path) -> None:
    from intranet.actions.demo import seed_actions

    require_development()
    data = load_organisation(organisation_path)
    seed_structure(data)
    seed_people()
    seed_history()
    seed_actions(organisation_path.parent / "handlingsplan-2021.csv")
    from intranet.documents.demo import seed_documents

    seed_documents()
    from intranet.consultations.demo import seed_consultations, seed_review

    seed_consultations()
    from intranet.meetings.demo import seed_meetings

    seed_meetings(data)
    db.session.commit()
    seed_review()
    from intranet.demo.start import seed_start_page

    seed_start_page()
    db.session.commit()


def seed_history() -> None:
    """Some history to look at: a former member of SUP from Nykvarn, replaced in April 2024,
    and a member of Klimat from Tyresö whose term ends soon."""
    sup = db.session.scalar(select(Network).where(Network.short_name == "SUP"))
    klimat = db.session.scalar(select(Network).where(Network.short_name == "Klimat"))
    nykvarn = db.session.scalar(select(Municipality).where(Municipality.name == "Nykvarn"))
    tyreso = db.session.scalar(select(Municipality).where(Municipality.name == "Tyresö"))
    if None in (sup, klimat, nykvarn, tyreso):
        return
    director = db.session.scalar(
        select(Person).join(Seat, Seat.person_id == Person.id).join(Seat.body)
        .where(Body.kind == BodyKind.MANAGEMENT_GROUP, Seat.municipality_id == nykvarn.id))
    former = _person("Gunnel", "Stenberg", nykvarn, "Samhällsbyggnadschef",
                     hash_password(DEMO_PASSWORD))
    if not db.session.scalar(select(Appointment).where(Appointment.person_id == former.id)):
        ended = Appointment(network=sup, person=former, municipality=nykvarn,
                            appointed_by=director, from_date=date(2021, 3, 1),
                            to_date=date(2024, 4, 1), ended_by=director,
                            end_reason="Ny tjänst i en annan kommun")
        db.session.add(ended)
        db.session.flush()
        successor = db.session.scalar(select(Appointment).where(
            Appointment.network_id == sup.id, Appointment.municipality_id == nykvarn.id,
            Appointment.to_date.is_(None)))
        if successor is not None:
            successor.replaces = ended
    term = db.session.scalar(select(Appointment).where(
        Appointment.network_id == klimat.id, Appointment.municipality_id == tyreso.id))
    if term is not None and term.to_date is None and term.end_reason == "":
        term.to_date = clock.today() + timedelta(days=12)
        term.end_reason = "Mandattiden löper ut"
