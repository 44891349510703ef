"""Queries per request on the main pages: at most a fixed number, and the same with three
times the data. The pages are the benchmark's (bench/pages.py, `make bench`), pointed at the
test world; nothing here is timed. Each page is counted twice: made (its cached fragments
made anew, as after a change) and served (right after, its fragments from the store)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from bench.pages import PAGES, Targets
from intranet import cache
from intranet.actions.models import ActionItem
from intranet.consultations.models import (
    ConsultationResponse,
    MunicipalPosition,
    ResponseSection,
    SectionComment,
    SectionRevision,
)
from intranet.documents.models import Document, DocumentVersion, PageRevision
from intranet.extensions import db
from intranet.org.models import Municipality, Network, Person, SubGoal
from tests.conftest import HX, appoint, make_action, make_person
from tests.queries import recorded_statements

# The most queries any main page may make (the benchmark's goal).
MOST = 15
STAMP = datetime(2025, 6, 1, 9, 0)


def _add_data(ids: SimpleNamespace, n: int, salt: str) -> None:
    """n more of everything the main pages show: members, people, documents with versions
    and revisions, action rows, sections with revisions and comments."""
    network = db.session.get(Network, ids.network)
    municipalities = list(db.session.scalars(select(Municipality).order_by(Municipality.id)))
    sub_goal = db.session.scalar(select(SubGoal))
    member = db.session.get(Person, ids.member)
    for i in range(n):
        person = make_person(f"Person {salt} {i}", municipalities[i % 3],
                             email=f"person.{salt}.{i}@test.example")
        appoint(network, person, municipalities[i % 3])
        make_action(network, f"Aktivitet {salt} {i}", sub_goal, status="pagar")
        item = make_action(network, f"Annan aktivitet {salt} {i}", sub_goal)
        item.municipalities = [municipalities[i % 3]]
        item.updated_by_id = person.id
        document = Document(network_id=network.id, kind="file", title=f"Underlag {salt} {i}",
                            created_by_id=person.id, visibility="everyone")
        db.session.add(document)
        db.session.flush()
        for number in (1, 2):
            db.session.add(DocumentVersion(
                document_id=document.id, number=number, sha256="0" * 64, size=10,
                content_type="text/plain", filename=f"underlag-{number}.txt",
                created_by_id=person.id))
        page = db.session.get(Document, ids.page)
        number = db.session.scalar(select(func.max(PageRevision.number))
                                   .where(PageRevision.document_id == page.id)) + 1
        db.session.add(PageRevision(document_id=page.id, number=number, title=page.title,
                                    body=f"Text {salt} {i}", created_by_id=person.id,
                                    created_at=STAMP + timedelta(minutes=number)))
        section = ResponseSection(response_id=ids.response, position=100 + i,
                                  title=f"Avsnitt {salt} {i}", body="Text",
                                  updated_by_id=person.id)
        db.session.add(section)
        db.session.flush()
        db.session.add(SectionRevision(section_id=section.id, number=1, title=section.title,
                                       body="Text", created_by_id=person.id))
        # Responses further along the path, for the board, with a position stated.
        for status in ("management_review", "committee_review", "sent"):
            other = ConsultationResponse(network_id=network.id, title=f"Remiss {salt} {i}",
                                         referring_body="Region", status=status,
                                         deadline=date(2030, 1, 1) + timedelta(days=i))
            db.session.add(other)
            db.session.flush()
            db.session.add(MunicipalPosition(response_id=other.id,
                                             municipality_id=municipalities[i % 3].id,
                                             stance="behind", recorded_by_id=person.id))
        thread = SectionComment(section_id=section.id, author_id=person.id, body="Fråga")
        db.session.add(thread)
        db.session.flush()
        db.session.add(SectionComment(section_id=section.id, parent_id=thread.id,
                                      author_id=member.id, body="Svar",
                                      resolved_by_id=member.id))
    db.session.commit()


def _setup(world) -> SimpleNamespace:
    ids = world.ids
    network = db.session.get(Network, ids.network)
    page = Document(network_id=network.id, kind="page", title="Anteckningar",
                    created_by_id=ids.member)
    response = ConsultationResponse(network_id=network.id, title="Remiss om trafik",
                                    referring_body="Trafikverket", status="draft",
                                    deadline=date(2030, 1, 1))
    db.session.add_all([page, response])
    db.session.flush()
    db.session.add(PageRevision(document_id=page.id, number=1, title=page.title, body="Start",
                                created_by_id=ids.member, created_at=STAMP))
    section = ResponseSection(response_id=response.id, position=0, title="Sammanfattning",
                              body="Text", updated_by_id=ids.member)
    db.session.add(section)
    action = make_action(network, "Sparas i cellen")
    db.session.commit()
    return SimpleNamespace(**vars(ids), page=page.id, response=response.id,
                           section=section.id, action=action.id)


def _targets(ids) -> Targets:
    return Targets(slug="plan", municipality_id=ids.alpha, person_id=ids.member,
                   page_id=ids.page, response_id=ids.response,
                   sections=[(ids.response, ids.section)], actions=[ids.action])


def _count(app, clients, page, targets, saves, made: bool = False) -> int:
    client = clients(page.role)
    if made:
        cache.reset(app)
    with app.test_request_context():
        url = page.url(targets, 0)
    data, headers = None, dict(HX) if page.htmx else {}
    if page.form is not None:
        with app.app_context():
            if page.name.endswith("cell save"):
                version = db.session.get(ActionItem, targets.actions[0]).version
            else:
                version = db.session.get(ResponseSection, targets.sections[0][1]).lock_version
        saves.append(1)
        data = page.form(targets, 0, len(saves), version)
        headers["X-CSRFToken"] = client.csrf_token()
    with recorded_statements(app) as statements:
        response = client.http.open(url, method=page.method, data=data, headers=headers)
    assert response.status_code in page.expect, (page.name, response.status_code)
    return len(statements)


@pytest.fixture
def measured(app, world, login_as):
    """Each page's queries with some data, and again with three times as much."""
    with app.app_context():
        ids = _setup(world)
        _add_data(ids, 5, "a")
    made = {}

    def clients(role):
        if role not in made:
            made[role] = login_as(role)
        return made[role]

    targets = _targets(ids)
    saves: list = []
    for page in PAGES:  # once first: what is set up per process is not counted
        _count(app, clients, page, targets, saves)

    def both() -> dict[str, int]:
        counts = {}
        for page in PAGES:
            counts[f"{page.name} (made)"] = _count(app, clients, page, targets, saves,
                                                   made=True)
            counts[f"{page.name} (served)"] = _count(app, clients, page, targets, saves)
        return counts

    before = both()
    with app.app_context():
        _add_data(ids, 10, "b")
    after = both()
    return before, after


def test_main_pages_make_a_bounded_number_of_queries(measured):
    before, after = measured
    too_many = {name: count for name, count in after.items() if count > MOST}
    assert not too_many, f"pages with more than {MOST} queries: {too_many}"


def test_no_query_grows_with_the_data(measured):
    before, after = measured
    grown = {name: (before[name], after[name]) for name in before
             if after[name] != before[name]}
    assert not grown, f"queries per request grew with three times the data: {grown}"


def test_the_floor_reads_nothing(measured):
    before, _ = measured
    assert before[f"{PAGES[0].name} (made)"] == before[f"{PAGES[0].name} (served)"] == 0


def test_a_cached_page_served_reads_less_than_made(measured):
    before, _ = measured
    for name in ("Coverage matrix", "Combined action plan", "Action list, filtered"):
        assert before[f"{name} (served)"] < before[f"{name} (made)"], name


def test_a_save_makes_only_the_statements_it_needs(measured):
    # The login, what the URL names (in one statement), the UPDATE that checks the version
    # (and a section's new revision, numbered in its INSERT), the audit row, the tokens of the
    # cached fragments. On PostgreSQL each is a round trip, and a save cannot be cached.
    # Then the thing's search entry, made again in the same transaction: an action row read
    # in one statement; a response's own row, its sections with their comments, its case
    # numbers; and the one INSERT … ON CONFLICT that writes the entry.
    before, after = measured
    for counts in (before, after):
        assert counts["htmx: action cell save (served)"] == 5 + 2
        assert counts["Section save (the editor's form) (served)"] == 6 + 4
