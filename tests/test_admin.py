"""The secretariat's tools through HTTP: people, bodies, networks and the audit log."""

import csv
import io
from datetime import datetime, timedelta

from sqlalchemy import select

from intranet import clock
from intranet.admin.services import AuditFilter
from intranet.audit.models import AuditEvent
from intranet.extensions import db
from intranet.org.models import Municipality, Network, Person, Seat
from tests.conftest import PASSWORD, make_person


def person_by_email(email):
    return db.session.scalar(select(Person).where(Person.email == email))


def test_people_list_searches_and_pages(app, world, login_as):
    with app.app_context():
        for i in range(30):
            make_person(f"Person {i:02d} Testsson", email=f"person{i:02d}@test.example")
        db.session.commit()
    staff = login_as("secretariat")
    page = staff.get("/kansliet/personer").get_data(as_text=True)
    assert "37 personer" in page and "Sida 1 av 2" in page
    assert "Person 24 Testsson" not in page
    second = staff.get("/kansliet/personer?sida=2").get_data(as_text=True)
    assert "Person 29 Testsson" in second
    found = staff.get("/kansliet/personer?q=alfaby", htmx=True).get_data(as_text=True)
    assert "<html" not in found and "Maja Medlem" in found and "Kalle" not in found
    assert "Samarbetskommittén" in staff.get("/kansliet/personer?q=kim").get_data(
        as_text=True)


def test_secretariat_adds_a_person_with_an_invitation(app, world, login_as, smtp):
    response = login_as("secretariat").post("/kansliet/personer/ny", {
        "name": "Vera Ny", "email": "Vera.Ny@Gammastad.example", "title": "Strateg",
        "phone": "", "municipality_id": str(world.ids.gamma), "invite": "y"})
    assert response.status_code == 303
    with app.app_context():
        vera = person_by_email("vera.ny@gammastad.example")
        assert vera.municipality_id == world.ids.gamma
    smtp.deliver()
    assert smtp.to("vera.ny@gammastad.example")[0]["Subject"] == "Inbjudan till Samverkansytan"


def test_email_stays_unique_with_a_swedish_message(app, world, login_as):
    staff = login_as("secretariat")
    response = staff.post(f"/kansliet/personer/{world.ids.member}", {
        "name": "Maja Medlem", "email": "KALLE.SAMMANKALLANDE@test.example",
        "municipality_id": str(world.ids.alpha)})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "E-postadressen används redan av Kalle Sammankallande." in body
    assert 'value="KALLE.SAMMANKALLANDE@test.example"' in body


def test_deactivation_logs_the_person_out_at_once_and_keeps_history(app, world, login_as):
    member = login_as("member")
    assert member.get("/").status_code == 200
    staff = login_as("secretariat")
    response = staff.post(f"/kansliet/personer/{world.ids.member}/inaktivera")
    assert response.status_code == 303
    assert member.get("/").status_code == 302
    assert member.login("maja.medlem@test.example").status_code == 422
    page = staff.get("/natverk/plan/historik").get_data(as_text=True)
    assert "Maja Medlem" in page
    staff.post(f"/kansliet/personer/{world.ids.member}/aktivera")
    assert member.login("maja.medlem@test.example").status_code == 303


def test_the_last_secretariat_account_cannot_be_deactivated(app, world, login_as):
    staff = login_as("secretariat")
    response = staff.post(f"/kansliet/personer/{world.ids.secretariat}/inaktivera")
    page = staff.get(response.headers["Location"]).get_data(as_text=True)
    assert "Det sista aktiva kontot i kansliet kan inte inaktiveras." in page
    with app.app_context():
        assert world.person("secretariat").active


def test_admin_changes_need_a_fresh_login(app, world, login_as, monkeypatch):
    staff = login_as("secretariat")
    real = clock.utcnow
    monkeypatch.setattr(clock, "utcnow", lambda: real() + timedelta(minutes=45))
    form = {"name": "Sent Svar", "email": "sent@alfaby.example", "municipality_id": "0"}
    stale = staff.post("/kansliet/personer/ny", form)
    assert stale.status_code == 422 and 'value="Sent Svar"' in stale.get_data(as_text=True)
    with app.app_context():
        assert person_by_email("sent@alfaby.example") is None
    assert staff.post("/kansliet/personer/ny", {**form, "confirm_password": PASSWORD}
                      ).status_code == 303


def test_a_new_chair_takes_over_and_seat_history_stays(app, world, login_as):
    staff = login_as("secretariat")
    with app.app_context():
        newcomer = make_person("Nils Ordförande", None)
        db.session.commit()
        newcomer_id = newcomer.id
    response = staff.post(f"/kansliet/organ/{world.ids.committee_body}/ny-plats", {
        "person_id": str(newcomer_id), "municipality_id": str(world.ids.beta),
        "officer": "chair", "seat_title": "Kommunstyrelsens ordförande",
        "from_date": clock.today().isoformat()})
    assert response.status_code == 303
    with app.app_context():
        old = db.session.get(Seat, world.ids.committee_seat)
        assert old.officer is None
        new = db.session.scalar(select(Seat).where(Seat.person_id == newcomer_id))
        assert new.officer == "chair"
    ended = staff.post(f"/kansliet/platser/{world.ids.committee_seat}/avsluta",
                       {"to_date": clock.today().isoformat()})
    assert ended.status_code == 303
    page = staff.get("/kansliet/organ").get_data(as_text=True)
    assert "Tidigare: 1 plats" in page and "Kim Kommitté" in page
    bodies = staff.get("/organisation/").get_data(as_text=True)
    assert "Ordförande Nils Ordförande (Betaholm)" in " ".join(bodies.split())


def test_a_committee_seat_needs_a_municipality(app, world, login_as):
    response = login_as("secretariat").post(
        f"/kansliet/organ/{world.ids.committee_body}/ny-plats", {
            "person_id": str(world.ids.member), "municipality_id": "0", "officer": "",
            "from_date": clock.today().isoformat()})
    assert response.status_code == 422
    assert "Välj vilken kommun platsen gäller." in response.get_data(as_text=True)


def test_create_archive_and_restore_a_network(app, world, login_as):
    staff = login_as("secretariat")
    response = staff.post("/kansliet/natverk/nytt", {
        "name": "Nätverket för HR-chefer", "short_name": "HR", "description": "HR"})
    assert response.status_code == 303 and response.headers["Location"] == "/natverk/hr"
    assert staff.post("/kansliet/natverk/plan/arkivera").status_code == 303
    member = login_as("member")
    assert "Planeringsnätverket" not in member.get("/natverk/").get_data(as_text=True)
    assert member.get("/natverk/plan").status_code == 403
    assert "Planeringsnätverket" not in login_as("director").get(
        f"/representation/{world.ids.alpha}").get_data(as_text=True)
    refused = login_as("director").post(
        f"/representation/{world.ids.alpha}/natverk/plan/utse",
        {"person_id": str(world.ids.director), "from_date": clock.today().isoformat()})
    assert "Nätverket är arkiverat." in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Network).where(Network.slug == "plan")) is not None
    assert staff.post("/kansliet/natverk/plan/aterstall").status_code == 303
    assert "Planeringsnätverket" in member.get("/natverk/").get_data(as_text=True)


def test_audit_log_filters_by_person_action_and_date_and_exports(app, world, login_as):
    login_as("member")
    login_as("director")
    staff = login_as("secretariat")
    page = staff.get(f"/kansliet/logg?person={world.ids.member}&handling=login").get_data(
        as_text=True)
    assert "1 händelse" in page and "Maja Medlem" in page and "Loggade in" in page
    assert "Person: <strong>Maja Medlem</strong>" in page  # the filter names the person
    assert "Visa alla personer" in page and 'name="vem"' not in page
    by_words = staff.get("/kansliet/logg?vem=MAJA&handling=login").get_data(as_text=True)
    assert "1 händelse" in by_words and 'value="MAJA"' in by_words
    assert "0 händelser" in staff.get("/kansliet/logg?vem=ingen+alls").get_data(as_text=True)
    # "%" is a percent sign, not "anything": nobody's name or e-mail has one.
    assert "0 händelser" in staff.get("/kansliet/logg?vem=%25").get_data(as_text=True)
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    assert "0 händelser" in staff.get(f"/kansliet/logg?fran={tomorrow}").get_data(
        as_text=True)
    assert "0 händelser" not in staff.get(
        f"/kansliet/logg?till={clock.today().isoformat()}").get_data(as_text=True)
    assert "<html" not in staff.get("/kansliet/logg?handling=login", htmx=True).get_data(
        as_text=True)
    response = staff.get(f"/kansliet/logg.csv?person={world.ids.member}")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))
    assert rows[0][:4] == ["Tid (UTC)", "Person", "E-post", "Händelse"]
    assert {r[4] for r in rows[1:]} == {"login"}


def test_the_audit_log_file_has_every_event_read_in_batches(app, world, login_as):
    staff = login_as("secretariat")
    stamp = datetime(2026, 1, 1, 12, 0)
    with app.app_context():
        member = db.session.get(Person, world.ids.member)
        # Seven events in the same second and five a minute apart: the batches must go on
        # after the last one read, neither skipping nor repeating one with the same time.
        for i in range(12):
            db.session.add(AuditEvent(at=stamp + timedelta(minutes=i // 7), actor_id=member.id,
                                      action="test_event", object_type="Test", object_id=i + 1,
                                      ip="127.0.0.1", detail={}))
        db.session.commit()
        everything = AuditFilter(action="test_event")
        expected = list(db.session.scalars(everything.statement()))
        assert len(expected) == 12
        for batch in (1, 3, 5, 7, 12, 13):
            assert list(everything.events(batch=batch)) == expected, batch
    response = staff.get("/kansliet/logg.csv?handling=test_event")
    assert response.is_streamed
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))
    assert [int(r[6]) for r in rows[1:]] == [e.object_id for e in expected]
    assert {r[1] for r in rows[1:]} == {"Maja Medlem"}


def test_refused_attempts_are_in_the_audit_log_without_secrets(app, world, login_as, client):
    client.login("maja.medlem@test.example", "hemligt-fel-losenord")
    login_as("member").get("/kansliet/personer")
    page = login_as("secretariat").get("/kansliet/logg").get_data(as_text=True)
    assert "Misslyckad inloggning" in page and "Nekad åtkomst" in page
    assert "hemligt-fel-losenord" not in page


def test_an_archived_network_is_read_only_even_for_the_secretariat(app, world, login_as):
    from intranet.authz import may

    with app.app_context():
        network = world.network()
        network.archived_at = clock.utcnow()
        db.session.commit()
        staff = world.person("secretariat")
        assert may(staff, "view_network", network)
        assert not may(staff, "add_documents", network)
        assert not may(staff, "edit_actions", network)


def test_editing_a_network_needs_a_fresh_login(app, world, login_as, monkeypatch):
    staff = login_as("secretariat")
    real = clock.utcnow
    monkeypatch.setattr(clock, "utcnow", lambda: real() + timedelta(minutes=45))
    form = {"name": "Nytt namn", "short_name": "PLAN", "description": ""}
    assert staff.post("/natverk/plan/redigera", form).status_code == 422
    assert staff.post("/natverk/plan/redigera", {**form, "confirm_password": PASSWORD}
                      ).status_code == 303


def test_the_new_seat_form_shows_a_bounded_search_of_people_in_constant_queries(
        app, world, login_as):
    staff = login_as("secretariat")
    url = f"/kansliet/organ/{world.ids.committee_body}/ny-plats?q=nyman"
    staff.get(url)  # once first: what is set up per process is not counted

    with app.app_context():
        places = list(db.session.scalars(select(Municipality)))
        make_person("Nisse Nyman 0", next(m for m in places if m.name == "Gammastad"),
                    email="nisse.0@test.example")
        db.session.commit()
    before, body = staff.counted_get(url)
    assert "Nisse Nyman 0</strong> (Gammastad)" in body
    assert "Kim Kommitté" not in body  # not matching the search
    with app.app_context():
        for i, place in enumerate(places * 10, start=1):
            make_person(f"Nisse Nyman {i:02}", place, email=f"nisse.{i}@test.example")
        delta = Municipality(name="Deltavik", position=3)
        db.session.add(delta)
        db.session.flush()
        make_person("Nisse Nyman Delta", delta, email="nisse.delta@test.example")
        db.session.commit()
    after, body = staff.counted_get(url)
    assert after == before
    assert body.count('name="person_id"') == 20  # the first 20 in name order, of 32
    assert "Nisse Nyman 0</strong>" in body and "Nisse Nyman Delta" not in body


def test_the_new_seat_form_searches_as_one_types_and_keeps_the_choice(app, world, login_as):
    staff = login_as("secretariat")
    url = f"/kansliet/organ/{world.ids.committee_body}/ny-plats"
    with app.app_context():
        gamma = db.session.scalar(select(Municipality).where(Municipality.name == "Gammastad"))
        chosen = make_person("Åsa Öberg", gamma, email="asa.oberg@test.example")
        for i in range(25):
            make_person(f"Anders Andersson {i:02}", gamma, email=f"anders.{i}@test.example")
        db.session.commit()
        chosen_id = chosen.id
    fragment = staff.get(f"{url}?q=ÅSA ö", htmx=True).get_data(as_text=True)
    assert "<html" not in fragment
    assert "Åsa Öberg</strong> (Gammastad)" in fragment and "Anders" not in fragment
    nobody = staff.get(f"{url}?q=50%25", htmx=True).get_data(as_text=True)
    assert "Ingen aktiv person matchar ”50%”." in nobody
    # Refused for another field: the chosen person is still there and chosen, although
    # not among the first 20 of the list.
    refused = staff.post(url, {"person_id": str(chosen_id), "municipality_id": "0",
                               "officer": "", "from_date": clock.today().isoformat()})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert f'value="{chosen_id}" checked' in page
    assert "Välj vilken kommun platsen gäller." in page


def test_the_new_seat_form_refuses_a_person_not_in_the_list(app, world, login_as):
    staff = login_as("secretariat")
    url = f"/kansliet/organ/{world.ids.committee_body}/ny-plats"
    for person_id, message in (("", "Välj en person."), ("999999", "Välj en person i listan.")):
        response = staff.post(url, {"person_id": person_id, "municipality_id": str(
            world.ids.beta), "officer": "", "from_date": clock.today().isoformat()})
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
