"""A person's own account: profile, language, password, and Mina uppgifter."""

import json

from tests.conftest import PASSWORD, Client


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
    from tests.conftest import make_action
    from tests.document_fixtures import build_documents

    build_documents(app, world)
    with app.app_context():
        from intranet.extensions import db

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
