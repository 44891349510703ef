"""A person's own account: profile, language, password, and Mina uppgifter."""

import json

from sqlalchemy import select

from intranet.actions.models import ActionItem
from intranet.consultations.models import (
    ConsultationResponse,
    MunicipalPosition,
    ResponseSection,
    ReviewEvent,
    SectionComment,
    SectionRevision,
)
from intranet.documents.models import Document, DocumentVersion, PageRevision
from intranet.extensions import db
from intranet.org.models import Body, Municipality, Network, Person, SubGoal
from tests.conftest import PASSWORD, Client, appoint, make_action, make_person, make_seat
from tests.document_fixtures import build_documents


def test_profile_edits_name_phone_and_language(app, world, login_as):
    c = login_as("member")
    page = c.get("/profil/").get_data(as_text=True)
    assert 'value="Maja Medlem"' in page and "Planeringsnätverket" in page
    assert "Loggade in" in page  # recent activity
    response = c.post("/profil/", {"name": "Maja Medlem-Ek", "title": "Planeringschef",
                                   "phone": "08-123 45", "language": "en"})
    assert response.status_code == 303
    page = c.get("/profil/").get_data(as_text=True)
    assert '<html lang="en">' in page and 'value="Maja Medlem-Ek"' in page
    assert "Changed their profile" in page or "Ändrade sin profil" in page


def test_profile_requires_a_name(world, login_as):
    response = login_as("member").post("/profil/", {"name": "", "language": "sv"})
    assert response.status_code == 422
    assert "Skriv ditt namn." in response.get_data(as_text=True)


def test_change_password_needs_the_current_and_ends_other_sessions(app, world, login_as):
    laptop = login_as("member")
    phone = login_as("member")
    wrong = laptop.post("/profil/losenord", {"current_password": "fel-fel-fel",
                                             "password": "ett nytt långt lösenord",
                                             "password_again": "ett nytt långt lösenord"})
    assert wrong.status_code == 422 and "Fel lösenord." in wrong.get_data(as_text=True)
    right = laptop.post("/profil/losenord", {"current_password": PASSWORD,
                                             "password": "ett nytt långt lösenord",
                                             "password_again": "ett nytt långt lösenord"})
    assert right.status_code == 303
    assert laptop.get("/").status_code == 200  # this session goes on
    assert phone.get("/").status_code == 302  # the other one ended
    with app.app_context():
        email = world.person("member").email
    assert Client(app).login(email, "ett nytt långt lösenord").status_code == 303


def test_my_data_page_and_json_hold_everything_about_me(app, world, login_as):
    c = login_as("member")
    page = c.get("/profil/mina-uppgifter").get_data(as_text=True)
    assert "Mina uppgifter" in page and "Planeringsnätverket" in page
    response = c.get("/profil/mina-uppgifter.json")
    assert response.headers["Content-Type"].startswith("application/json")
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"]["email"] == "maja.medlem@test.example"
    assert [a["network"] for a in data["appointments"]] == ["Planeringsnätverket"]
    assert any(e["action"] == "login" for e in data["audit_log"])
    assert data["login_sessions"]
    assert "password_hash" not in json.dumps(data)
    # Only my own data: another person's name does not appear.
    assert "Kalle Sammankallande" not in json.dumps(data)


def test_the_director_sees_whom_they_appointed(app, world, login_as):
    c = login_as("director")
    c.post(f"/uppdrag/{world.ids.member_appointment}/avsluta", {"to_date": "2030-01-01"})
    data = json.loads(c.get("/profil/mina-uppgifter.json").get_data(as_text=True))
    assert data["appointments_made_or_ended"][0]["person"] == "Maja Medlem"


def test_my_data_includes_what_i_wrote_in_documents_and_action_lists(app, world, login_as):
    build_documents(app, world)
    with app.app_context():
        make_action(world.network(), "Ny gång- och cykelbro", created_by_id=world.ids.member,
                    updated_by_id=world.ids.member)
        db.session.commit()
    c = login_as("member")
    data = json.loads(c.get("/profil/mina-uppgifter.json").get_data(as_text=True))
    assert [r["text"] for r in data["page_revisions_written"]] == ["Vi träffades i mars."]
    assert data["document_versions_uploaded"]
    assert [r["activity"] for r in data["action_rows"]] == ["Ny gång- och cykelbro"]
    page = c.get("/profil/mina-uppgifter").get_data(as_text=True)
    assert "Sidor du har skrivit" in page and "Rader i handlingsplaner" in page


def _spread_data(person_id: int, director_id: int, salt: str, n: int) -> None:
    """n more networks and municipalities, each named by one more of the person's rows of
    every kind: an appointment (made and ended by the director), a seat, an action row, a
    file version and a page revision, a section revision and comment, a position recorded and
    a review step, and an appointment the person made."""

    person, director = db.session.get(Person, person_id), db.session.get(Person, director_id)
    sub_goal = db.session.scalar(select(SubGoal).order_by(SubGoal.id))
    for i in range(n):
        place = Municipality(name=f"Kommun {salt}{i}", position=100 + i)
        body = Body(kind=f"organ-{salt}{i}", name=f"Organ {salt}{i}")
        network = Network(name=f"Nätverk {salt}{i}", short_name=f"N{salt}{i}",
                          slug=f"n-{salt}{i}")
        db.session.add_all([place, body, network])
        db.session.flush()
        other = make_person(f"Annan {salt}{i}", place, email=f"annan.{salt}{i}@test.example")
        mine = appoint(network, person, place)
        mine.appointed_by_id, mine.ended_by_id = director.id, director.id
        appoint(network, other, place).appointed_by_id = person.id
        make_seat(body, person, place)
        db.session.add(ActionItem(network_id=network.id, sub_goal_id=sub_goal.id, position=1,
                                  activity=f"Aktivitet {salt}{i}", created_by_id=person.id))
        document = Document(network_id=network.id, kind="page", title=f"Sida {salt}{i}",
                            created_by_id=person.id)
        response = ConsultationResponse(network_id=network.id, title=f"Remiss {salt}{i}",
                                        referring_body="Region", status="draft")
        db.session.add_all([document, response])
        db.session.flush()
        section = ResponseSection(response_id=response.id, position=0, title="Avsnitt",
                                  body="Text")
        db.session.add_all([
            section,
            DocumentVersion(document_id=document.id, number=1, sha256="0" * 64, size=1,
                            content_type="text/plain", filename="a.txt",
                            created_by_id=person.id),
            PageRevision(document_id=document.id, number=1, title="Sida", body="Text",
                         created_by_id=person.id),
            MunicipalPosition(response_id=response.id, municipality_id=place.id,
                              stance="behind", recorded_by_id=person.id),
            ReviewEvent(response_id=response.id, kind="comment", person_id=person.id)])
        db.session.flush()
        db.session.add_all([
            SectionRevision(section_id=section.id, number=1, title="Avsnitt", body="Text",
                            created_by_id=person.id),
            SectionComment(section_id=section.id, author_id=person.id, body="Fråga")])
    db.session.commit()


def test_my_data_makes_as_many_queries_however_much_it_names(app, world, login_as):
    c = login_as("member")

    with app.app_context():
        _spread_data(world.ids.member, world.ids.director, "a", 2)
    c.get("/profil/mina-uppgifter")  # once first: what is set up per process is not counted
    urls = ("/profil/mina-uppgifter", "/profil/mina-uppgifter.json")
    before = {url: c.counted_get(url)[0] for url in urls}
    with app.app_context():
        _spread_data(world.ids.member, world.ids.director, "b", 6)
    c.get("/profil/mina-uppgifter")  # the standing read again after the organisation changed
    for url, count in before.items():
        after, body = c.counted_get(url)
        assert after == count, (url, count, after)
        for kind in ("Nätverk b5", "Kommun b5", "Organ b5", "Annan b5", "Remiss b5"):
            assert kind in body, (url, kind)
    assert before["/profil/mina-uppgifter"] <= 15  # as the main pages (test_query_counts)
