"""Search finds, for each person, exactly what they may see.

On data holding every case (a network's own document and one shared with everyone, a
trashed document, documents, responses and action rows of the other network, an archived
network with its material, a removed section, a deleted action row, people active and not,
a meeting): (a) for every role of the test world, someone without any appointment and
no one logged in, what search picks (authz.find_condition, in SQL) is exactly the entries for
which authz.may_find holds (in Python); (b) a word only in something the person may not see
finds nothing, for every case and kind; (c) an appointment ended through the app's service
takes the network's own documents out of the member's results at once; (d) the routes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import or_, select

from intranet import clock
from intranet.actions.models import ActionItem
from intranet.admin.services import archive_network
from intranet.appointments import services as appointments
from intranet.authz import may_find
from intranet.consultations import services as consultations
from intranet.consultations.models import ConsultationResponse, ResponseStatus
from intranet.documents import services as documents
from intranet.documents.models import Document, Visibility
from intranet.extensions import db
from intranet.meetings.models import Meeting
from intranet.org.models import Appointment, Network, Person
from intranet.search.models import SearchEntry
from intranet.search.services import search
from tests.conftest import ROLES, Client, appoint, make_action, make_person

WORD = "zebrafink"  # in every case below, and nowhere else
NOBODY = "nobody"  # logged in, without any seat or appointment
EVERY_ROLE = (*ROLES, NOBODY)
LOGGED_IN = frozenset(EVERY_ROLE) - {"anonymous"}
SECRETARIAT = frozenset({"secretariat"})
NO_ONE: frozenset[str] = frozenset()
PLAN_WORKERS = frozenset({"member", "convener", "secretariat"})
KLIMAT_WORKERS = frozenset({"other_member", "secretariat"})
REVIEWERS = frozenset({"director", "other_director", "committee"})


@dataclass(frozen=True)
class Case:
    name: str
    kind: str
    word: str  # only in this case's thing
    who: frozenset[str]  # the roles that may find it


CASES = [
    Case("plan_network_document", "document", "unik1x", PLAN_WORKERS),
    Case("plan_everyone_document", "document", "unik2x", LOGGED_IN),
    Case("plan_trashed_document", "document", "unik3x", NO_ONE),
    Case("klimat_network_document", "document", "unik4x", KLIMAT_WORKERS),
    Case("klimat_everyone_document", "document", "unik5x", LOGGED_IN),
    Case("archived_network_document", "document", "unik6x", SECRETARIAT),
    Case("archived_everyone_document", "document", "unik7x", SECRETARIAT),
    Case("plan_response", "response", "unik8x", PLAN_WORKERS | REVIEWERS),
    Case("klimat_response", "response", "unik9x", KLIMAT_WORKERS | REVIEWERS),
    Case("archived_response", "response", "unik10x", SECRETARIAT),
    Case("plan_removed_section", "response", "unik11x", NO_ONE),
    Case("plan_action", "action", "unik12x", LOGGED_IN),
    Case("klimat_action", "action", "unik13x", LOGGED_IN),
    Case("archived_action", "action", "unik14x", SECRETARIAT),
    Case("deleted_action", "action", "unik15x", NO_ONE),
    Case("plan_network", "network", "unik16x", LOGGED_IN),
    Case("klimat_network", "network", "unik17x", LOGGED_IN),
    Case("archived_network", "network", "unik18x", SECRETARIAT),
    Case("active_person", "person", "unik19x", LOGGED_IN),
    Case("inactive_person", "person", "unik20x", NO_ONE),
    Case("meeting", "meeting", "unik21x", LOGGED_IN),
]
BY_NAME = {case.name: case for case in CASES}


def text(name: str) -> str:
    return f"{WORD} {BY_NAME[name].word}"


def build_cases(world) -> SimpleNamespace:
    """Every case, written through the services where the app has one."""
    ids = world.ids
    plan, klimat = world.network("network"), world.network("other_network")
    member, other_member = world.person("member"), world.person("other_member")
    staff = world.person("secretariat")
    archive = Network(name="Arkivnätverket", short_name="ARKIV", slug="arkiv",
                      description=text("archived_network"))
    db.session.add(archive)
    db.session.flush()
    # The member works in the archived network too: its archiving, not membership, hides it.
    appoint(archive, member, member.municipality)
    made = SimpleNamespace(archive=archive.id, nobody=make_person("Nils Ingen").id)

    def page(network, author, name, visibility=Visibility.NETWORK):
        return documents.create_page(network, author, title=f"Sida {name}", body=text(name),
                                     visibility=visibility)

    made.plan_network_document = page(plan, member, "plan_network_document").id
    made.plan_everyone_document = page(plan, member, "plan_everyone_document",
                                       Visibility.EVERYONE).id
    trashed = page(plan, member, "plan_trashed_document")
    documents.trash(trashed, member)
    made.plan_trashed_document = trashed.id
    made.klimat_network_document = page(klimat, other_member, "klimat_network_document").id
    made.klimat_everyone_document = page(klimat, other_member, "klimat_everyone_document",
                                         Visibility.EVERYONE).id
    made.archived_network_document = page(archive, member, "archived_network_document").id
    made.archived_everyone_document = page(archive, member, "archived_everyone_document",
                                           Visibility.EVERYONE).id

    def response(network, author, name):
        return consultations.create_response(
            network, author, consultations.Details(title=f"Remiss {name}",
                                                   referring_body=text(name)))

    made.plan_response = response(plan, member, "plan_response").id
    made.klimat_response = response(klimat, other_member, "klimat_response").id
    made.archived_response = response(archive, member, "archived_response").id
    drafted = consultations.create_response(
        plan, member, consultations.Details(title="Remiss med borttaget avsnitt",
                                            referring_body="Regionen"),
        answer=ResponseStatus.DRAFT)
    section = drafted.live_sections[-1]
    consultations.save_section(section, member, expected_version=section.lock_version,
                               title=section.title, body=text("plan_removed_section"))
    consultations.remove_section(section, member)
    made.plan_removed_section = drafted.id

    made.plan_action = make_action(plan, f"Aktivitet {text('plan_action')}").id
    made.klimat_action = make_action(klimat, f"Aktivitet {text('klimat_action')}").id
    made.archived_action = make_action(archive, f"Aktivitet {text('archived_action')}").id
    deleted = make_action(plan, f"Aktivitet {text('deleted_action')}")
    deleted.deleted_at = clock.utcnow()
    made.deleted_action = deleted.id

    plan.description = f"Planeringschefer {text('plan_network')}"
    klimat.description = f"Klimatstrateger {text('klimat_network')}"
    made.plan_network, made.klimat_network, made.archived_network = (
        plan.id, klimat.id, archive.id)

    made.active_person = make_person("Stina Sökbar", title=text("active_person")).id
    made.inactive_person = make_person("Ivar Inaktiv", title=text("inactive_person"),
                                       active=False).id
    meeting = Meeting(body_id=ids.committee_body, held_on=date(2026, 5, 7), place="Salem",
                      note=text("meeting"))
    db.session.add(meeting)
    db.session.flush()
    made.meeting = meeting.id
    archive_network(archive, actor=staff)
    db.session.commit()
    return made


@pytest.fixture
def cases(app, world):
    with app.app_context():
        made = build_cases(world)
    return made


def searcher(world, made, role: str) -> Person | None:
    if role == NOBODY:
        return db.session.get(Person, made.nobody)
    return world.person(role)


def found(person, query: str, **filters) -> set[tuple[str, int]]:
    results = search(person, query, per_page=1000, **filters)
    hits = {(h.kind, h.object_id) for h in results.hits}
    assert results.total == len(hits) == len(results.hits)
    return hits


def policy_object(entry: SearchEntry):
    """What may_find is asked about for an entry (for an action row: its network)."""
    if entry.kind == "action":
        return db.session.get(ActionItem, entry.object_id).network
    model = {"document": Document, "response": ConsultationResponse, "network": Network,
             "person": Person, "meeting": Meeting}[entry.kind]
    return db.session.get(model, entry.object_id)


def entries_with(word: str) -> list[SearchEntry]:
    """Every entry of the index holding the word, whoever may see it."""
    return list(db.session.scalars(select(SearchEntry).where(or_(
        SearchEntry.title_terms.contains(word), SearchEntry.body_terms.contains(word)))))


# ---------------------------------------------------------------- (a) SQL and Python agree


def test_the_index_holds_every_case_but_what_is_gone(app, cases):
    with app.app_context():
        held = {(e.kind, e.object_id) for e in entries_with(WORD)}
    gone = {(c.kind, getattr(cases, c.name)) for c in CASES if not c.who}
    wanted = {(c.kind, getattr(cases, c.name)) for c in CASES if c.who}
    assert held == wanted
    assert not gone & held
    assert {kind for kind, _ in held} == {"document", "response", "action", "network",
                                          "person", "meeting"}


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_search_picks_exactly_what_may_find_allows(app, world, cases, role):
    with app.app_context():
        person = searcher(world, cases, role)
        allowed = {(e.kind, e.object_id) for e in entries_with(WORD)
                   if may_find(person, e.kind, policy_object(e))}
        results = search(person, WORD, per_page=1000)
        assert {(h.kind, h.object_id) for h in results.hits} == allowed
        assert results.total == len(allowed)
        per_kind: dict[str, int] = {}
        for kind, _ in allowed:
            per_kind[kind] = per_kind.get(kind, 0) + 1
        assert results.counts == per_kind
        for kind in ("document", "response", "action", "network", "person", "meeting"):
            assert found(person, WORD, kind=kind) == {k for k in allowed if k[0] == kind}
        # And the policy is the one this file expects of each role.
        expected = {(c.kind, getattr(cases, c.name)) for c in CASES if role in c.who}
        assert allowed == expected


# ---------------------------------------------------------------- (b) hidden words


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_a_word_only_in_what_the_person_may_not_see_finds_nothing(app, world, cases, case):
    with app.app_context():
        for role in EVERY_ROLE:
            person = searcher(world, cases, role)
            results = search(person, case.word)
            if role in case.who:
                assert {(h.kind, h.object_id) for h in results.hits} == {
                    (case.kind, getattr(cases, case.name))}, role
                continue
            assert (results.total, results.hits, results.counts) == (0, [], {}), role
            assert results.pages == 0, role
            for kind in ("document", "response", "action", "network", "person", "meeting"):
                assert search(person, case.word, kind=kind).total == 0, (role, kind)
            # Nor by any other way of asking for it.
            for query in (f"{case.word}*", f'"{WORD} {case.word}"', f"{case.word} OR {WORD}",
                          case.word.upper()):
                assert (case.kind, getattr(cases, case.name)) not in found(person, query), (
                    role, query)


def test_the_archived_networks_material_is_found_by_the_secretariat_in_it(app, world, cases):
    with app.app_context():
        archive = db.session.get(Network, cases.archive)
        staff = world.person("secretariat")
        assert {kind for kind, _ in found(staff, WORD, network=archive)} == {
            "document", "response", "action", "network"}
        assert found(world.person("member"), WORD, network=archive) == set()


# ---------------------------------------------------------------- (c) an ended appointment


def test_an_ended_appointment_takes_the_networks_own_documents_away_at_once(
        app, world, cases, login_as):
    own = ("document", cases.plan_network_document)
    shared = ("document", cases.plan_everyone_document)
    client = login_as("member")
    page = client.get(f"/sok/?q={BY_NAME['plan_network_document'].word}")
    assert "Sida plan_network_document" in page.get_data(as_text=True)
    with app.app_context():
        member = world.person("member")
        assert own in found(member, WORD) and shared in found(member, WORD)
        appointment = db.session.get(Appointment, world.ids.member_appointment)
        appointments.end(appointment, actor=world.person("director"), to_date=clock.today(),
                         reason="Ny tjänst")
        db.session.commit()
    with app.app_context():
        member = world.person("member")
        after = found(member, WORD)
        assert own not in after and shared in after
        assert ("response", cases.plan_response) not in after
        assert found(member, BY_NAME["plan_network_document"].word) == set()
    # The page asks the same, with the member's standing read again.
    page = client.get(f"/sok/?q={BY_NAME['plan_network_document'].word}")
    assert page.status_code == 200
    assert "Sida plan_network_document" not in page.get_data(as_text=True)
    assert "Sida plan_everyone_document" in client.get(
        f"/sok/?q={BY_NAME['plan_everyone_document'].word}").get_data(as_text=True)


def test_a_term_that_ends_later_keeps_the_documents_until_then(app, world, cases):
    with app.app_context():
        appointment = db.session.get(Appointment, world.ids.member_appointment)
        appointments.end(appointment, actor=world.person("director"),
                         to_date=date.fromordinal(clock.today().toordinal() + 30))
        db.session.commit()
        assert ("document", cases.plan_network_document) in found(world.person("member"), WORD)


def test_a_new_appointment_gives_the_networks_documents_at_once(app, world, cases):
    with app.app_context():
        klimat = world.network("other_network")
        member = world.person("member")
        assert ("document", cases.klimat_network_document) not in found(member, WORD)
        appointments.appoint(actor=world.person("director"), network=klimat,
                             municipality=member.municipality, person=member,
                             from_date=clock.today())
        db.session.commit()
        assert ("document", cases.klimat_network_document) in found(member, WORD)


# ---------------------------------------------------------------- (d) the routes


@pytest.mark.parametrize("url", ["/sok/", f"/sok/?q={WORD}", f"/sok/forslag?q={WORD}"])
def test_search_needs_a_login(client, world, url):
    response = client.get(url)
    assert response.status_code in (302, 303)
    assert "/logga-in" in response.headers["Location"]


def test_anonymous_htmx_suggestions_do_not_show_hits(client, cases):
    response = client.get(f"/sok/forslag?q={WORD}", htmx=True)
    assert response.status_code != 200 or "Sida" not in response.get_data(as_text=True)


@pytest.mark.parametrize("role", sorted(set(ROLES) - {"anonymous", "secretariat"}))
def test_an_archived_network_is_refused_to_everyone_but_the_secretariat(cases, login_as,
                                                                         role):
    response = login_as(role).get(f"/sok/?q={WORD}&natverk=arkiv")
    assert response.status_code in (403, 404)
    assert "Sida archived" not in response.get_data(as_text=True)


def test_the_secretariat_searches_in_an_archived_network(cases, login_as):
    response = login_as("secretariat").get(f"/sok/?q={WORD}&natverk=arkiv")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Sida archived_network_document" in html and "Sida plan_network_document" not in html


def test_an_unknown_network_is_not_found(cases, login_as):
    assert login_as("member").get(f"/sok/?q={WORD}&natverk=finns-inte").status_code == 404


@pytest.mark.parametrize("role", sorted(EVERY_ROLE))
def test_the_results_page_shows_only_what_the_role_may_find(app, world, cases, login_as,
                                                           role):
    if role == "anonymous":
        assert login_as(role).get(f"/sok/?q={WORD}").status_code in (302, 303)
        return
    if role == NOBODY:
        client = Client(app)
        with app.app_context():
            assert client.login(db.session.get(Person, cases.nobody)).status_code == 303
    else:
        client = login_as(role)
    html = client.get(f"/sok/?q={WORD}&typ=document").get_data(as_text=True)
    for case in CASES:
        if case.kind == "document":
            assert (f"Sida {case.name}<" in html) == (role in case.who), case.name


def test_the_network_filter_lists_archived_networks_to_the_secretariat_only(app, cases,
                                                                            login_as):
    """The filter's options are a cached fragment: per secretariat or not, and made again
    when a network changes."""
    member, staff = login_as("member"), login_as("secretariat")
    for _ in range(2):  # made, then from the store
        assert 'value="arkiv"' not in member.get(f"/sok/?q={WORD}").get_data(as_text=True)
        assert 'value="arkiv"' in staff.get(f"/sok/?q={WORD}").get_data(as_text=True)
    with app.app_context():
        renamed = db.session.scalar(select(Network).where(Network.slug == "plan"))
        renamed.name = "Planeringsnätverket, nytt namn"
        db.session.commit()
    assert "Planeringsnätverket, nytt namn" in member.get(f"/sok/?q={WORD}").get_data(
        as_text=True)
