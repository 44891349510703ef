"""Benchmark data at the scale of all of Sweden's municipalities (`flask generate-load`).

Scale 1 is a national association: 290 municipalities, 500 networks, 20,000 people,
50,000 appointments, 100,000 documents with 150,000 file versions, 10,000 consultation
responses with 60,000 sections and 200,000 revisions, 50,000 action rows. Every count is
derived from the scale, the same seed gives the same data, and rows go in with bulk inserts
in chunks with ids chosen here (so no row needs a round trip). File versions point to a few
hundred small real blobs in the configured store."""

from __future__ import annotations

import io
import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, insert, select, text

from intranet.actions.models import (
    ActionItem,
    action_item_municipality,
    action_item_network,
    with_keys,
)
from intranet.consultations.models import (
    ConsultationResponse,
    MunicipalPosition,
    ResponseSection,
    SectionComment,
    SectionRevision,
)
from intranet.demo import require_development
from intranet.documents.models import Document, DocumentTag, DocumentVersion, PageRevision
from intranet.documents.storage import get_storage
from intranet.extensions import db
from intranet.org.models import (
    Appointment,
    Body,
    BodyKind,
    Cooperation,
    FocusArea,
    Municipality,
    Network,
    Person,
    Seat,
    SubGoal,
    network_focus_area,
)
from intranet.text import sort_key

# Every generated person logs in with this password (benchmark data only).
LOAD_PASSWORD = "bench-samverkan-2026"  # noqa: S105
# The people the benchmark logs in as, one per role.
ROLE_EMAILS = {
    "secretariat": "kansliet@bench.example",
    "committee": "kommitten@bench.example",
    "director": "direktor@bench.example",
    "convener": "sammankallande@bench.example",
    "member": "ledamot@bench.example",
}
CHUNK = 5000
BLOBS = 300
# The three bodies: their ids and names.
BODIES = {BodyKind.COMMITTEE: (1, "Samarbetskommittén"),
          BodyKind.MANAGEMENT_GROUP: (2, "Ledningsgruppen"),
          BodyKind.SECRETARIAT: (3, "Kansliet")}
# Fixed dates, so that the same seed gives the same rows on any day.
START = date(2024, 1, 1)
STAMP = datetime(2025, 6, 1, 9, 0)

# Counts at scale 1.
SCALE_1 = {
    "municipalities": 290,
    "networks": 500,
    "people": 20_000,
    "appointments": 50_000,
    "documents": 100_000,
    "versions": 150_000,
    "responses": 10_000,
    "sections": 60_000,
    "revisions": 200_000,
    "actions": 50_000,
}

WORDS = (
    "samverkan kommun nätverk planering klimat trafik skola vård omsorg bostäder näringsliv "
    "region infrastruktur budget uppföljning remiss yttrande förslag mål åtgärd ansvar "
    "kostnad tidplan beslut utredning kollektivtrafik cykel energi avfall vatten kultur "
    "integration arbetsmarknad digitalisering upphandling säkerhet beredskap folkhälsa"
).split()
FIRST = ("Karin Johan Sara Ahmed Linnea Mikael Eva Fredrik Amira Henrik Maja Tobias Sofia "
         "Daniel Helena Niklas Ida Patrik Leila Magnus Jonas Emelie Nadia Per Cecilia Viktor "
         "Hanna Ali Gustav Frida Erik Yasmin Anders Malin Jenny Samir Louise Oskar Elin").split()
LAST = ("Berglund Lindqvist Ekholm Karimi Holm Nyström Sandberg Wikström Haddad Björklund "
        "Engström Falk Sjöberg Lundin Norén Blom Hedberg Axelsson Rahimi Dahlgren Öberg "
        "Forsberg Strand Palm Wallin Ström Åkesson Lind Mattsson Nordin Östlund").split()


class LoadError(Exception):
    """The database is not empty (and --force was not given)."""


@dataclass
class LoadReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def counts_for(scale: float) -> dict[str, int]:
    counts = {key: max(1, round(value * scale)) for key, value in SCALE_1.items()}
    # The organisation does not shrink below a handful of municipalities and networks.
    counts["municipalities"] = max(8, counts["municipalities"])
    counts["networks"] = max(5, counts["networks"])
    return counts


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _bulk(table, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(table), rows[start:start + CHUNK])


def _has_data() -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(Person)))


def _empty_everything() -> None:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())


def _reset_sequences() -> None:
    # Ids were chosen here; PostgreSQL's sequences must continue after them.
    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key and table.c.id.autoincrement:
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))


def _blobs(rng: random.Random) -> list[tuple[str, int]]:
    """A few hundred small text files in the store; versions share them."""
    storage = get_storage()
    made = []
    for n in range(BLOBS):
        body = f"Underlag {n}\n\n{_words(rng, 40)}\n".encode()
        blob, _ = storage.save(io.BytesIO(body), lambda path: None)
        made.append((blob.sha256, blob.size))
    return made


@dataclass
class _Ids:
    """The ids the later parts of the load point to, as each part makes them."""

    municipalities: list[int]
    networks: list[int]
    goals: list[int] = field(default_factory=list)
    people: list[int] = field(default_factory=list)
    by_municipality: dict[int, list[int]] = field(default_factory=dict)
    role_ids: dict[str, int] = field(default_factory=dict)  # the benchmark's role people


def generate(scale: float, seed: int = 2026, force: bool = False,
             password_hash: str | None = None) -> LoadReport:
    """Fill an empty, migrated database with benchmark data at `scale`."""
    from intranet.auth.passwords import hash_password

    require_development()
    if _has_data():
        if not force:
            raise LoadError("The database already has data; give --force to replace it.")
        _empty_everything()
    began = time.monotonic()
    rng = random.Random(seed)  # noqa: S311 (repeatable test data, not secrets)
    c = counts_for(scale)
    hashed = password_hash or hash_password(LOAD_PASSWORD)
    ids = _Ids(municipalities=list(range(1, c["municipalities"] + 1)),
               networks=list(range(1, c["networks"] + 1)))
    made = {"municipalities": len(ids.municipalities), "networks": len(ids.networks)}

    # Each part draws from `rng` in this order: the same seed gives the same rows.
    _organisation(rng, ids)
    made["people"] = _people(rng, c, ids, hashed)
    _seats(ids)
    _networks(rng, ids)
    made["appointments"] = _appointments(rng, c, ids)
    blobs = _blobs(rng)
    made.update(_documents(rng, c, ids, blobs))
    made.update(_consultations(rng, c, ids))
    made["actions"] = _actions(rng, c, ids)
    made["blobs"] = len(blobs)

    _reset_sequences()
    db.session.commit()
    # Fresh statistics, so the query planners see the tables as they now are.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
    return LoadReport(counts=made, seconds=time.monotonic() - began)


def _organisation(rng: random.Random, ids: _Ids) -> None:
    """The cooperation, its municipalities and bodies, and six focus areas of five goals."""
    _bulk(Cooperation.__table__, [{"id": 1, "name": "Sveriges kommuner i samverkan",
                                   "short_name": "Kommunsamverkan"}])
    _bulk(Municipality.__table__, [{"id": m, "name": f"Kommun {m:03d}", "position": m}
                                   for m in ids.municipalities])
    _bulk(Body.__table__, [
        {"id": body_id, "kind": kind, "name": name, "description": "",
         "members_description": "", "position": body_id}
        for kind, (body_id, name) in BODIES.items()])
    areas, goals = [], []
    for a in range(1, 7):
        areas.append({"id": a, "name": f"Fokusområde {a}", "kind": "", "goal": _words(rng, 12),
                      "position": a})
        for g in range(1, 6):
            goals.append({"id": (a - 1) * 5 + g, "focus_area_id": a,
                          "text": f"Delmål {a}.{g}: {_words(rng, 6)}", "position": g})
    _bulk(FocusArea.__table__, areas)
    _bulk(SubGoal.__table__, goals)
    ids.goals = [goal["id"] for goal in goals]


def _people(rng: random.Random, c: dict[str, int], ids: _Ids, hashed: str) -> int:
    """People spread over the municipalities; the first ones have the benchmark's roles."""
    people = []
    ids.by_municipality = {m: [] for m in ids.municipalities}
    for p in range(1, c["people"] + 1):
        m = ids.municipalities[(p - 1) % len(ids.municipalities)]
        email = f"person{p:06d}@kommun{m:03d}.example"
        for role, role_email in ROLE_EMAILS.items():
            if role not in ids.role_ids and p == len(ids.role_ids) + 1:
                email = role_email
                ids.role_ids[role] = p
                break
        people.append({"id": p, "name": f"{rng.choice(FIRST)} {rng.choice(LAST)} {p}",
                       "email": email, "title": "Handläggare", "phone": "",
                       "municipality_id": m, "active": True, "password_hash": hashed,
                       "language": None, "created_at": STAMP})
        ids.by_municipality[m].append(p)
    _bulk(Person.__table__, people)
    ids.people = [person["id"] for person in people]
    return len(people)


def _seats(ids: _Ids) -> None:
    """The secretariat's strategist, and each municipality's committee member and director."""
    seats = [{"id": 1, "body_id": BODIES[BodyKind.SECRETARIAT][0],
              "person_id": ids.role_ids["secretariat"], "municipality_id": None,
              "officer": None, "seat_title": "Strateg", "from_date": START, "to_date": None}]
    for m in ids.municipalities:
        # The committee member and the director of municipality 2 and 3 are the role people.
        committee = ids.role_ids["committee"] if m == 2 else ids.by_municipality[m][-1]
        director = ids.role_ids["director"] if m == 3 else ids.by_municipality[m][-2]
        for body, person in ((BodyKind.COMMITTEE, committee),
                             (BodyKind.MANAGEMENT_GROUP, director)):
            seats.append({"id": len(seats) + 1, "body_id": BODIES[body][0],
                          "person_id": person, "municipality_id": m, "officer": None,
                          "seat_title": "", "from_date": START, "to_date": None})
    _bulk(Seat.__table__, seats)


def _networks(rng: random.Random, ids: _Ids) -> None:
    names = {n: f"Nätverk {n:04d} för {_words(rng, 2)}" for n in ids.networks}
    _bulk(Network.__table__, [
        {"id": n, "name": names[n], "name_key": sort_key(names[n]), "short_name": f"N{n}",
         "slug": f"natverk-{n}", "description": _words(rng, 20), "archived_at": None,
         "created_at": STAMP} for n in ids.networks])
    _bulk(network_focus_area, [{"network_id": n, "focus_area_id": (n % 6) + 1}
                               for n in ids.networks])


def _appointments(rng: random.Random, c: dict[str, int], ids: _Ids) -> int:
    """Per network a convener and members; every fifth member's appointment has ended."""
    appointments = []
    ended_share = 5
    networks, municipalities = ids.networks, ids.municipalities
    for i in range(c["appointments"]):
        n = networks[i % len(networks)]
        m = municipalities[rng.randrange(len(municipalities))]
        person = rng.choice(ids.by_municipality[m])
        is_convener = i < len(networks)
        ended = not is_convener and i % ended_share == 0
        appointments.append({
            "id": i + 1, "person_id": person, "network_id": n, "municipality_id": m,
            "role": "convener" if is_convener else "member", "appointed_by_id": None,
            "note": "", "created_at": STAMP, "ended_by_id": None,
            "end_reason": "Byte av tjänst" if ended else "", "replaces_id": None,
            "term_notice_sent_at": None,
            "from_date": START - timedelta(days=rng.randrange(900)),
            "to_date": START - timedelta(days=rng.randrange(1, 30)) if ended else None,
        })
    # The benchmark's convener and member sit in network 1.
    appointments[0].update(person_id=ids.role_ids["convener"], municipality_id=4)
    appointments[len(networks)].update(person_id=ids.role_ids["member"], municipality_id=5,
                                       to_date=None, end_reason="")
    _bulk(Appointment.__table__, appointments)
    return len(appointments)


def _documents(rng: random.Random, c: dict[str, int], ids: _Ids,
               blobs: list[tuple[str, int]]) -> dict[str, int]:
    """Files (seven in ten) with versions pointing to the blobs, and pages with two
    revisions; every tenth document tagged."""
    documents, versions, revisions, tags = [], [], [], []
    file_share = 0.7
    files = round(c["documents"] * file_share)
    per_file, extra_versions = divmod(max(files, c["versions"]), files)
    for d in range(1, c["documents"] + 1):
        is_file = d <= files
        author = rng.choice(ids.people)
        documents.append({
            "id": d, "network_id": ids.networks[(d - 1) % len(ids.networks)],
            "kind": "file" if is_file else "page",
            "title": f"{'Underlag' if is_file else 'Anteckningar'} {d}: {_words(rng, 3)}",
            "description": _words(rng, 8),
            "visibility": "everyone" if rng.random() < 0.25 else "network",
            "created_by_id": author, "created_at": STAMP,
            "updated_at": STAMP + timedelta(minutes=d), "deleted_at": None,
            "deleted_by_id": None, "lock_version": 1})
        if d % 10 == 0:
            tags.append({"id": len(tags) + 1, "document_id": d, "name": rng.choice(WORDS)[:40]})
        if is_file:
            count = per_file + (1 if d <= extra_versions else 0)
            versions += _file_versions(rng, d, count, author, blobs, first_id=len(versions) + 1)
        else:
            revisions += _page_revisions(rng, documents[-1], first_id=len(revisions) + 1)
    _bulk(Document.__table__, documents)
    _bulk(DocumentVersion.__table__, versions)
    _bulk(PageRevision.__table__, revisions)
    _bulk(DocumentTag.__table__, tags)
    return {"documents": len(documents), "versions": len(versions),
            "page_revisions": len(revisions)}


def _file_versions(rng: random.Random, document: int, count: int, author: int,
                   blobs: list[tuple[str, int]], first_id: int) -> list[dict]:
    versions = []
    for number in range(1, count + 1):
        sha, size = blobs[rng.randrange(len(blobs))]
        versions.append({"id": first_id + number - 1, "document_id": document,
                         "number": number, "sha256": sha, "size": size,
                         "content_type": "text/plain",
                         "filename": f"underlag-{document}-{number}.txt", "note": "",
                         "created_by_id": author,
                         "created_at": STAMP + timedelta(minutes=number)})
    return versions


def _page_revisions(rng: random.Random, page: dict, first_id: int) -> list[dict]:
    return [{"id": first_id + number - 1, "document_id": page["id"], "number": number,
             "title": page["title"], "body": _words(rng, 60), "note": "",
             "created_by_id": page["created_by_id"],
             "created_at": STAMP + timedelta(minutes=number)}
            for number in (1, 2)]


# Every tenth response at each step of the review path, the most in the network's draft.
REVIEW_PATH = ("triage", "draft", "draft", "draft", "draft", "management_review",
               "committee_review", "adopted", "sent", "returned")


@dataclass
class _Consultations:
    """The rows of the consultation responses, as they are made."""

    responses: list[dict] = field(default_factory=list)
    sections: list[dict] = field(default_factory=list)
    revisions: list[dict] = field(default_factory=list)
    comments: list[dict] = field(default_factory=list)
    positions: list[dict] = field(default_factory=list)


def _consultations(rng: random.Random, c: dict[str, int], ids: _Ids) -> dict[str, int]:
    """Responses at every step of the review path, with sections, their revisions and
    comments, and the positions the municipalities stated on those under review."""
    rows = _Consultations()
    per_response = max(1, c["sections"] // c["responses"])
    per_section = max(1, c["revisions"] // c["sections"])
    extra = c["revisions"] - per_section * c["sections"]
    for r in range(1, c["responses"] + 1):
        status = REVIEW_PATH[r % len(REVIEW_PATH)]
        rows.responses.append({
            "id": r, "network_id": ids.networks[(r - 1) % len(ids.networks)],
            "title": f"Remiss {r}: {_words(rng, 5)}",
            "referring_body": "Regeringskansliet", "reference_number": f"Dnr {r}/2025",
            "received_on": START, "deadline": START + timedelta(days=30 + r % 300),
            "contact_person_id": None, "status": status,
            "no_answer_reason": "", "referral_links": "", "created_by_id": None,
            "created_at": STAMP, "updated_at": STAMP, "lock_version": 1})
        if status in ("committee_review", "adopted", "sent"):
            _positions(rng, rows, r, ids.municipalities)
        for position in range(per_response):
            s = len(rows.sections) + 1
            _section(rng, rows, ids, r, position,
                     revisions=per_section + (1 if s <= extra else 0))
    _bulk(ConsultationResponse.__table__, rows.responses)
    _bulk(ResponseSection.__table__, rows.sections)
    _bulk(SectionRevision.__table__, rows.revisions)
    _bulk(SectionComment.__table__, rows.comments)
    _bulk(MunicipalPosition.__table__, rows.positions)
    return {"responses": len(rows.responses), "sections": len(rows.sections),
            "section_revisions": len(rows.revisions), "comments": len(rows.comments),
            "positions": len(rows.positions)}


def _positions(rng: random.Random, rows: _Consultations, response: int,
               municipalities: list[int]) -> None:
    """The positions stated so far on a response: a handful of the municipalities."""
    for m in rng.sample(municipalities, min(8, len(municipalities))):
        rows.positions.append({
            "id": len(rows.positions) + 1, "response_id": response, "municipality_id": m,
            "stance": "behind", "statement": "", "decision_reference": "",
            "recorded_by_id": None, "recorded_at": STAMP, "lock_version": 1})


def _section(rng: random.Random, rows: _Consultations, ids: _Ids, response: int,
             position: int, revisions: int) -> None:
    """A section with its revisions (the last one its text), and on every third section a
    comment with a reply."""
    s = len(rows.sections) + 1
    author = rng.choice(ids.people)
    body = _words(rng, 50)
    title = f"Avsnitt {position + 1}"
    rows.sections.append({
        "id": s, "response_id": response, "position": position, "title": title,
        "body": body, "updated_by_id": author, "updated_at": STAMP, "deleted_at": None,
        "deleted_by_id": None, "lock_version": 1})
    for number in range(1, revisions + 1):
        rows.revisions.append({
            "id": len(rows.revisions) + 1, "section_id": s, "number": number, "title": title,
            "body": body if number == revisions else _words(rng, 50),
            "created_by_id": author, "created_at": STAMP + timedelta(minutes=number)})
    if s % 3 == 0:
        first = len(rows.comments) + 1
        rows.comments.append({"id": first, "section_id": s, "parent_id": None,
                              "author_id": author, "body": _words(rng, 15),
                              "created_at": STAMP, "resolved_at": None,
                              "resolved_by_id": None})
        rows.comments.append({"id": first + 1, "section_id": s, "parent_id": first,
                              "author_id": rng.choice(ids.people),
                              "body": _words(rng, 10), "created_at": STAMP,
                              "resolved_at": None, "resolved_by_id": None})


def _actions(rng: random.Random, c: dict[str, int], ids: _Ids) -> int:
    """Action rows, numbered within each network; every fifth also linked to another
    network, every second to a municipality."""
    actions, with_networks, with_municipalities = [], [], []
    statuses = ("planerad", "pagar", "klar", "pausad")
    networks, municipalities = ids.networks, ids.municipalities
    positions: dict[int, int] = {}
    for i in range(1, c["actions"] + 1):
        n = networks[(i - 1) % len(networks)]
        positions[n] = positions.get(n, 0) + 1
        actions.append(with_keys({
            "id": i, "network_id": n, "sub_goal_id": ids.goals[rng.randrange(len(ids.goals))],
            "activity": f"Aktivitet {i}: {_words(rng, 6)}", "responsible": _words(rng, 2),
            "cost": "", "time_text": "2025", "due_date": START + timedelta(days=i % 700),
            "comment": "", "status": rng.choice(statuses), "position": positions[n], "version": 1,
            "created_at": STAMP, "created_by_id": None, "updated_at": STAMP,
            "updated_by_id": None, "deleted_at": None, "deleted_by_id": None}))
        if i % 5 == 0:
            with_networks.append({"action_item_id": i,
                                  "network_id": networks[i % len(networks)]})
        if i % 2 == 0:
            with_municipalities.append({"action_item_id": i, "municipality_id":
                                        municipalities[i % len(municipalities)]})
    _bulk(ActionItem.__table__, actions)
    _bulk(action_item_network, [r for r in with_networks if r["network_id"] !=
                                actions[r["action_item_id"] - 1]["network_id"]])
    _bulk(action_item_municipality, with_municipalities)
    return len(actions)
