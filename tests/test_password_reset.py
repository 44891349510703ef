"""Glömt lösenord: a one-time link by e-mail, valid an hour; other sessions end."""

import re
from datetime import timedelta

from intranet import clock
from tests.conftest import PASSWORD, Client

MESSAGE = "Om adressen finns hos oss har vi skickat ett e-postmeddelande"


def reset_link(smtp, email) -> str:
    body = smtp.body(smtp.to(email)[-1])
    return re.search(r"http://localhost(/nytt-losenord/\S+)", body).group(1)


def test_reset_sets_a_new_password_and_ends_other_sessions(app, world, login_as, smtp):
    other_browser = login_as("member")
    with app.app_context():
        email = world.person("member").email
    c = Client(app)
    response = c.post("/glomt-losenord", {"email": email.upper()})
    assert response.status_code == 303
    assert MESSAGE in c.get(response.headers["Location"]).get_data(as_text=True)
    smtp.deliver()
    link = reset_link(smtp, email)
    assert "Välj nytt lösenord" in c.get(link).get_data(as_text=True)
    done = c.post(link, {"password": "helt nytt lösenord", "password_again":
                         "helt nytt lösenord"})
    assert done.status_code == 303
    assert "Mina nätverk" in c.get("/").get_data(as_text=True)
    assert other_browser.get("/").status_code == 302  # the other session ended
    assert Client(app).login(email, PASSWORD).status_code == 422
    assert Client(app).login(email, "helt nytt lösenord").status_code == 303
    assert Client(app).get(link).status_code == 410  # single use


def test_unknown_address_gets_the_same_answer_and_no_mail(app, world, smtp):
    known, unknown = Client(app), Client(app)
    with app.app_context():
        email = world.person("member").email
    a = known.post("/glomt-losenord", {"email": email})
    b = unknown.post("/glomt-losenord", {"email": "ingen@alfaby.example"})
    assert a.status_code == b.status_code == 303
    assert a.headers["Location"] == b.headers["Location"]
    assert MESSAGE in unknown.get(b.headers["Location"]).get_data(as_text=True)
    assert smtp.deliver() == 1
    assert smtp.to("ingen@alfaby.example") == [] and len(smtp.to(email)) == 1


def test_reset_link_expires_after_an_hour(app, world, smtp, monkeypatch):
    with app.app_context():
        email = world.person("member").email
    Client(app).post("/glomt-losenord", {"email": email})
    smtp.deliver()
    link = reset_link(smtp, email)
    real = clock.utcnow
    monkeypatch.setattr(clock, "utcnow", lambda: real() + timedelta(minutes=61))
    response = Client(app).get(link)
    assert response.status_code == 410
    assert "Be om en ny länk" in response.get_data(as_text=True)


def test_a_new_request_replaces_the_old_link(app, world, smtp):
    with app.app_context():
        email = world.person("member").email
    Client(app).post("/glomt-losenord", {"email": email})
    smtp.deliver()
    first = reset_link(smtp, email)
    Client(app).post("/glomt-losenord", {"email": email})
    smtp.deliver()
    assert Client(app).get(first).status_code == 410
    assert Client(app).get(reset_link(smtp, email)).status_code == 200


def test_reset_requests_are_throttled_per_account(app, world, smtp):
    with app.app_context():
        email = world.person("member").email
    for _ in range(3):
        assert Client(app).post("/glomt-losenord", {"email": email}).status_code == 303
    assert Client(app).post("/glomt-losenord", {"email": email}).status_code == 429


def test_login_page_links_to_forgotten_password(client):
    assert 'href="/glomt-losenord"' in client.get("/logga-in").get_data(as_text=True)
