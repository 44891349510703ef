"""Appointing through the web, as each role would: forms, e-mail, invitations, refusals."""

import csv
import io
import re
from datetime import timedelta

from sqlalchemy import func, select

from intranet import clock
from intranet.audit.models import AuditEvent
from intranet.extensions import db
from intranet.org.models import Appointment, Network, NetworkRole, Person
from tests.conftest import PASSWORD, Client


def appoint_url(world, slug="klimat"):
    return f"/representation/{world.ids.alpha}/natverk/{slug}/utse"


def appointment_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Appointment))


def test_director_appoints_new_person_who_accepts_the_invitation(app, world, login_as, smtp):
    director = login_as("director")
    response = director.post(appoint_url(world), {
        "name": "Nora Nyberg", "email": "nora.nyberg@alfaby.example", "title": "Klimatstrateg",
        "from_date": clock.today().isoformat(), "note": "",
    })
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers["Location"] == f"/representation/{world.ids.alpha}"
    page = director.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nora Nyberg är utsedd till KLIMAT." in page

    assert smtp.connections == 0  # the request only queued the invitation
    smtp.deliver()
    invitation = [m for m in smtp.to("nora.nyberg@alfaby.example")
                  if m["Subject"] == "Inbjudan till Samverkansytan"]
    assert len(invitation) == 1
    link = re.search(r"http://localhost(/inbjudan/\S+)", smtp.body(invitation[0])).group(1)
    assert any(m["Subject"] == "Du är utsedd till Klimatnätverket"
               for m in smtp.to("nora.nyberg@alfaby.example"))

    newcomer = Client(app)
    assert "Välj ett lösenord" in newcomer.get(link).get_data(as_text=True)
    short = newcomer.post(link, {"password": "kort", "password_again": "kort"})
    assert short.status_code == 422
    assert "minst 10 tecken" in short.get_data(as_text=True)
    done = newcomer.post(link, {"password": "ett långt lösenord", "password_again":
                                "ett långt lösenord"})
    assert done.status_code == 303
    start = newcomer.get("/").get_data(as_text=True)
    assert "Nora Nyberg" in start and "Klimatnätverket" in start

    assert Client(app).get(link).status_code == 410  # single use
    fresh = Client(app)
    assert fresh.login("nora.nyberg@alfaby.example", "ett långt lösenord").status_code == 303


def test_invitation_expires_after_seven_days(app, world, login_as, smtp, monkeypatch):
    login_as("director").post(appoint_url(world), {
        "name": "Sen Sture", "email": "sen.sture@alfaby.example",
        "from_date": clock.today().isoformat()})
    smtp.deliver()
    body = smtp.body(smtp.to("sen.sture@alfaby.example")[0])
    link = re.search(r"http://localhost(/inbjudan/\S+)", body).group(1)
    real = clock.utcnow
    monkeypatch.setattr(clock, "utcnow", lambda: real() + timedelta(days=7, minutes=1))
    response = Client(app).get(link)
    assert response.status_code == 410
    assert "Länken gäller inte längre" in response.get_data(as_text=True)


def test_convener_hears_of_appointments_and_endings(app, world, login_as, smtp):
    director = login_as("director")
    director.post(f"/uppdrag/{world.ids.member_appointment}/avsluta",
                  {"to_date": clock.today().isoformat(), "reason": "Slutat"})
    with app.app_context():
        convener = world.person("convener").email
        member = world.person("member").email
    smtp.deliver()
    assert [m["Subject"] for m in smtp.to(convener)] == [
        "Uppdraget för Maja Medlem i Planeringsnätverket har upphört"]
    mail = smtp.to(member)[0]
    assert "Anledning: Slutat" in smtp.body(mail)


def test_director_cannot_appoint_for_another_municipality(app, world, login_as):
    before = appointment_count(app)
    other = login_as("other_director")
    response = other.post(appoint_url(world), {
        "name": "Fel Kommun", "email": "fel@alfaby.example",
        "from_date": clock.today().isoformat()})
    assert response.status_code == 403
    assert other.post(f"/uppdrag/{world.ids.member_appointment}/avsluta",
                      {"to_date": clock.today().isoformat()}).status_code == 403
    assert appointment_count(app) == before
    with app.app_context():
        denied = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "access_denied")).all()
        assert {d.detail["policy_action"] for d in denied} == {"manage_appointments",
                                                                "manage_appointment"}
        assert all(d.actor_id == world.ids.other_director for d in denied)
        assert db.session.get(Appointment, world.ids.member_appointment).to_date is None


def test_members_and_committee_cannot_appoint(app, world, login_as):
    for role in ("member", "convener", "committee"):
        response = login_as(role).post(appoint_url(world), {
            "name": "X", "email": "x@alfaby.example", "from_date": clock.today().isoformat()})
        assert response.status_code == 403, role


def test_extra_fields_are_ignored(app, world, login_as):
    login_as("director").post(appoint_url(world), {
        "name": "Massa Tilldelning", "email": "massa@alfaby.example",
        "from_date": clock.today().isoformat(), "role": "convener",
        "municipality_id": str(world.ids.beta), "appointed_by_id": str(world.ids.committee)})
    with app.app_context():
        appointment = db.session.scalar(select(Appointment).join(Appointment.person)
                                        .where(Person.name == "Massa Tilldelning"))
        assert appointment.role == NetworkRole.MEMBER
        assert appointment.municipality_id == world.ids.alpha
        assert appointment.appointed_by_id == world.ids.director


def test_picking_an_existing_person(app, world, login_as):
    with app.app_context():
        director_id = world.ids.director
    response = login_as("director").post(appoint_url(world), {
        "person_id": str(director_id), "from_date": clock.today().isoformat()})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Appointment).where(
            Appointment.person_id == director_id)).network.slug == "klimat"


def test_a_person_of_another_municipality_cannot_be_picked(app, world, login_as):
    response = login_as("director").post(appoint_url(world), {
        "person_id": str(world.ids.convener), "from_date": clock.today().isoformat()})
    assert response.status_code == 422
    assert "Välj en person från Alfaby." in response.get_data(as_text=True)


def test_mistakes_get_swedish_messages_and_keep_the_input(app, world, login_as):
    director = login_as("director")
    response = director.post(appoint_url(world), {
        "name": "Behåll Mig", "email": "inte-en-adress", "title": "Chef",
        "from_date": clock.today().isoformat()})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Skriv en giltig e-postadress" in body
    assert 'value="Behåll Mig"' in body and 'value="Chef"' in body

    both = director.post(appoint_url(world), {
        "person_id": str(world.ids.director), "name": "Någon", "email": "n@alfaby.example",
        "from_date": clock.today().isoformat()})
    assert "inte båda" in both.get_data(as_text=True)

    neither = director.post(appoint_url(world), {"from_date": clock.today().isoformat()})
    assert "Välj en person i listan eller fyll i en ny person." in neither.get_data(
        as_text=True)

    bad_date = director.post(appoint_url(world), {
        "name": "Datum Dan", "email": "dan@alfaby.example", "from_date": "31/12"})
    assert bad_date.status_code == 422
    assert 'value="Datum Dan"' in bad_date.get_data(as_text=True)

    duplicate = director.post(appoint_url(world, "plan"), {
        "person_id": str(world.ids.member), "from_date": clock.today().isoformat()})
    assert duplicate.status_code == 422
    assert "Maja Medlem är redan utsedd till PLAN under den tiden." in duplicate.get_data(
        as_text=True)


def test_stale_login_must_confirm_the_password_and_keeps_the_input(app, world, login_as,
                                                                    monkeypatch):
    director = login_as("director")
    real = clock.utcnow
    monkeypatch.setattr(clock, "utcnow", lambda: real() + timedelta(minutes=31))
    form = {"name": "Fia Färsk", "email": "fia@alfaby.example",
            "from_date": clock.today().isoformat()}
    page = director.get(appoint_url(world)).get_data(as_text=True)
    assert "Bekräfta att det är du" in page
    unconfirmed = director.post(appoint_url(world), form)
    assert unconfirmed.status_code == 422
    body = unconfirmed.get_data(as_text=True)
    assert "Bekräfta med ditt lösenord" in body and 'value="Fia Färsk"' in body
    wrong = director.post(appoint_url(world), {**form, "confirm_password": "fel-fel-fel"})
    assert "Fel lösenord." in wrong.get_data(as_text=True)
    assert appointment_count(app) == 3
    right = director.post(appoint_url(world), {**form, "confirm_password": PASSWORD})
    assert right.status_code == 303
    assert appointment_count(app) == 4
    # Fresh again: the next action needs no password.
    assert "Bekräfta att det är du" not in director.get(appoint_url(world, "plan")).get_data(
        as_text=True)


def test_person_search_as_htmx_returns_the_results_only(app, world, login_as):
    response = login_as("director").get(appoint_url(world) + "?q=medlem", htmx=True)
    body = response.get_data(as_text=True)
    assert "<html" not in body and "<form" not in body
    assert "Maja Medlem" in body and "Dora Direktör" not in body
    assert 'name="person_id"' in body


def test_person_search_without_javascript_reloads_the_page(app, world, login_as):
    body = login_as("director").get(appoint_url(world) + "?q=medlem").get_data(as_text=True)
    assert "<html" in body and "Maja Medlem" in body and 'value="medlem"' in body


def test_replace_through_the_form(app, world, login_as, smtp):
    director = login_as("director")
    response = director.post(f"/uppdrag/{world.ids.member_appointment}/ersatt", {
        "name": "Ebba Ersättare", "email": "ebba@alfaby.example",
        "on_date": clock.today().isoformat()})
    assert response.status_code == 303
    page = director.get(response.headers["Location"]).get_data(as_text=True)
    assert "Maja Medlem är ersatt av Ebba Ersättare" in page
    history = director.get("/natverk/plan/historik").get_data(as_text=True)
    assert "efterträdde Maja Medlem" in history and "Ersatt av Ebba Ersättare" in history


def test_end_with_a_future_date_is_a_term(app, world, login_as):
    director = login_as("director")
    term_end = clock.today() + timedelta(days=40)
    response = director.post(f"/uppdrag/{world.ids.member_appointment}/avsluta",
                             {"to_date": term_end.isoformat(), "reason": ""})
    assert response.status_code == 303
    assert "upphör" in director.get(response.headers["Location"]).get_data(as_text=True)
    assert "Maja Medlem" in director.get("/natverk/plan").get_data(as_text=True)


def test_representation_page_shows_gaps_and_actions(app, world, login_as):
    page = login_as("director").get(f"/representation/{world.ids.alpha}").get_data(
        as_text=True)
    assert "Alfaby i nätverken" in page and "Maja Medlem" in page
    assert f"/uppdrag/{world.ids.member_appointment}/ersatt" in page
    gamma = login_as("secretariat").get(f"/representation/{world.ids.gamma}").get_data(
        as_text=True)
    assert "2 nätverk saknar ledamot från kommunen" in gamma


def test_representation_home_goes_to_the_directors_own_municipality(app, world, login_as):
    response = login_as("other_director").get("/representation/")
    assert response.headers["Location"] == f"/representation/{world.ids.beta}"


def test_my_municipalitys_representation_is_the_secretariats_own_municipality(app, world,
                                                                              login_as):
    with app.app_context():
        world.person("secretariat").municipality_id = world.ids.beta  # not the first one
        db.session.commit()
    staff = login_as("secretariat")
    response = staff.get("/representation/")
    assert response.headers["Location"] == f"/representation/{world.ids.beta}"
    start = staff.get("/").get_data(as_text=True)
    assert "Min kommuns representation" in start
    assert '<li><a href="/representation/">Representation</a></li>' in start


def test_no_municipality_of_ones_own_no_my_municipalitys_representation(app, world, login_as):
    staff = login_as("secretariat")  # of no municipality
    start = staff.get("/").get_data(as_text=True)
    assert "Min kommuns representation" not in start
    assert 'href="/representation/"' not in start
    # Every municipality is a link in the coverage matrix instead, where the address leads.
    response = staff.get("/representation/")
    assert response.headers["Location"] == "/representation/tackning"
    coverage = staff.get("/representation/tackning").get_data(as_text=True)
    for municipality_id, name in ((world.ids.alpha, "Alfaby"), (world.ids.beta, "Betaholm"),
                                  (world.ids.gamma, "Gammastad")):
        assert f'<a href="/representation/{municipality_id}">{name}</a>' in coverage


def test_the_coverage_matrix_links_only_the_representation_one_may_open(world, login_as):
    director = login_as("director").get("/representation/tackning").get_data(as_text=True)
    assert f'<a href="/representation/{world.ids.alpha}">Alfaby</a>' in director
    assert f'href="/representation/{world.ids.beta}"' not in director
    committee = login_as("committee").get("/representation/tackning").get_data(as_text=True)
    assert 'href="/representation/' not in committee.replace(
        'href="/representation/tackning', "")


def test_coverage_page_and_csv(app, world, login_as):
    committee = login_as("committee")
    page = committee.get("/representation/tackning").get_data(as_text=True)
    assert "3 luckor totalt." in page and "ingen utsedd" in page
    # The intro names the gaps as the cells show them.
    assert "Rutor med ⚠ 0 är kommuner utan ledamot i nätverket." in page
    assert "Tomma rutor" not in page
    response = committee.get("/representation/tackning.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Nätverk", "Alfaby", "Betaholm", "Gammastad", "Totalt",
                       "Kommuner utan ledamot"]
    assert ["Planeringsnätverket", "1", "1", "0", "2", "1"] in rows
    assert rows[-1] == ["Totalt", "2", "1", "0", "3", "3"]


def test_person_page_lists_current_and_past_appointments(app, world, login_as):
    login_as("director").post(f"/uppdrag/{world.ids.member_appointment}/avsluta",
                              {"to_date": clock.today().isoformat()})
    page = login_as("other_member").get(f"/organisation/personer/{world.ids.member}")
    body = page.get_data(as_text=True)
    assert "Maja Medlem" in body and "Tidigare nätverk" in body
    assert "Inga nuvarande uppdrag i nätverk." in body


def test_secretariat_edits_a_network_and_sets_its_convener(app, world, login_as):
    staff = login_as("secretariat")
    response = staff.post("/natverk/plan/redigera", {
        "name": "Planeringschefernas nätverk", "short_name": "PLAN",
        "description": "Ny beskrivning", "focus_areas": []})
    assert response.status_code == 303
    assert "Planeringschefernas nätverk" in staff.get("/natverk/plan").get_data(as_text=True)
    empty = staff.post("/natverk/plan/redigera", {"name": "", "short_name": "PLAN"})
    assert "Skriv nätverkets namn." in empty.get_data(as_text=True)

    response = staff.post("/natverk/plan/sammankallande",
                          {"appointment_id": str(world.ids.member_appointment)})
    assert response.status_code == 303
    with app.app_context():
        network = db.session.scalar(select(Network).where(Network.slug == "plan"))
        roles = {a.person.name: a.role for a in network.appointments}
        assert roles["Maja Medlem"] == NetworkRole.CONVENER
        assert roles["Kalle Sammankallande"] == NetworkRole.MEMBER


def test_history_is_for_members_and_the_bodies(app, world, login_as):
    assert login_as("member").get("/natverk/plan/historik").status_code == 200
    assert login_as("other_member").get("/natverk/plan/historik").status_code == 403


def test_text_typed_when_the_login_ended_is_shown_back(app, world, login_as):
    from intranet.auth.models import LoginSession

    director = login_as("director")
    token = director.csrf_token()
    with app.app_context():
        for row in db.session.scalars(select(LoginSession)):
            row.revoked_at = clock.utcnow()
        db.session.commit()
    response = director.http.post(appoint_url(world), data={
        "csrf_token": token, "name": "Tove Text", "email": "tove@alfaby.example",
        "note": "Ersätter Maja under hennes föräldraledighet."})
    assert response.status_code == 401
    body = response.get_data(as_text=True)
    assert "Ersätter Maja under hennes föräldraledighet." in body and "Tove Text" in body
