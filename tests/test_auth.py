"""Logging in and out: sessions, revocation, timeouts, throttling, redirects."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from intranet import clock
from intranet.audit.models import AuditEvent
from intranet.auth.models import LoginSession
from intranet.auth.passwords import HASHER, hash_password, verify_password
from intranet.extensions import db
from intranet.org.models import Person
from tests.conftest import HX, PASSWORD, Client


def session_cookie(client: Client) -> str | None:
    cookie = client.http.get_cookie("samverkan_session")
    return cookie.value if cookie else None


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_login_with_right_password_lands_on_start_page(app, world, client):
    with app.app_context():
        email = world.person("member").email
    response = client.login(email.upper())  # e-mail is case-insensitive
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "Mina nätverk" in client.get("/").get_data(as_text=True)
    assert "login" in audit_actions(app)


def test_wrong_password_and_unknown_address_get_identical_answers(app, world, client):
    with app.app_context():
        email = world.person("member").email
    wrong = client.login(email, "fel-losenord-123")
    unknown = client.login("ingen.alls@test.example", "fel-losenord-123")
    assert wrong.status_code == unknown.status_code == 422

    def scrub(r):  # the signed CSRF token carries a timestamp; everything else must match
        body = r.get_data(as_text=True)
        body = re.sub(r'value="[^"]*"', 'value=""', body)
        return re.sub(r"hx-headers='[^']*'", "", body)

    assert scrub(wrong).replace(email, "") == scrub(unknown).replace(
        "ingen.alls@test.example", "")
    assert "Fel e-postadress eller lösenord." in wrong.get_data(as_text=True)
    assert audit_actions(app).count("login_failed") == 2


def test_failed_login_audit_never_holds_the_password(app, world, client):
    client.login("ingen@test.example", "hemligt-losenord-999")
    with app.app_context():
        rows = db.session.scalars(select(AuditEvent)).all()
        assert rows and all("hemligt-losenord-999" not in str(r.detail) for r in rows)


def test_inactive_person_cannot_log_in(app, world, client):
    with app.app_context():
        person = world.person("member")
        person.active = False
        db.session.commit()
        email = person.email
    assert client.login(email).status_code == 422


def test_session_is_renewed_at_login(app, world, client):
    client.get("/logga-in")
    before_cookie = session_cookie(client)
    before_token = client.csrf_token()
    with app.app_context():
        email = world.person("member").email
    client.login(email)
    assert session_cookie(client) != before_cookie
    assert client.csrf_token() != before_token


def test_logout_revokes_a_copied_cookie(app, world, client):
    with app.app_context():
        email = world.person("member").email
    client.login(email)
    stolen = session_cookie(client)
    assert client.get("/").status_code == 200
    assert client.logout().status_code == 303
    assert client.get("/").status_code == 302

    thief = Client(app)
    thief.http.set_cookie("samverkan_session", stolen)
    response = thief.get("/")
    assert response.status_code == 302
    assert "/logga-in" in response.headers["Location"]


def test_revoking_all_sessions_ends_other_browsers(app, world, login_as):
    from intranet.auth.services import revoke_all_sessions

    c = login_as("member")
    with app.app_context():
        revoke_all_sessions(world.person("member"))
        db.session.commit()
    assert c.get("/").status_code == 302


def test_deactivated_person_is_logged_out_at_once(app, world, login_as):
    c = login_as("member")
    with app.app_context():
        world.person("member").active = False
        db.session.commit()
    assert c.get("/").status_code == 302


def test_idle_session_expires(app, world, login_as, monkeypatch):
    c = login_as("member")
    idle = app.config["SESSION_IDLE_MINUTES"]
    real = clock.utcnow
    monkeypatch.setattr(clock, "utcnow", lambda: real() + timedelta(minutes=idle - 1))
    assert c.get("/").status_code == 200  # activity within the window keeps it alive
    monkeypatch.setattr(clock, "utcnow", lambda: real() + timedelta(minutes=2 * idle + 1))
    assert c.get("/").status_code == 302


def test_absolute_session_limit_holds_even_when_active(app, world, login_as, monkeypatch):
    c = login_as("member")
    hours = app.config["SESSION_ABSOLUTE_HOURS"]
    real = clock.utcnow
    now = real()
    step = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] - 5)
    elapsed = timedelta()
    while elapsed < timedelta(hours=hours) - step:
        elapsed += step
        monkeypatch.setattr(clock, "utcnow", lambda e=elapsed: now + e)
        assert c.get("/").status_code == 200
    monkeypatch.setattr(clock, "utcnow", lambda: now + timedelta(hours=hours, minutes=1))
    assert c.get("/").status_code == 302


def test_expired_session_on_htmx_request_gets_401_with_hx_redirect(app, world, login_as):
    c = login_as("member")
    with app.app_context():
        for row in db.session.scalars(select(LoginSession)):
            row.revoked_at = clock.utcnow()
        db.session.commit()
    response = c.get("/natverk/?q=plan", htmx=True,
                     headers={"HX-Current-URL": "http://localhost/natverk/?q=pl"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/logga-in?next=")
    assert "natverk" in response.headers["HX-Redirect"]
    assert response.get_data() == b""


def test_anonymous_page_request_redirects_to_login_with_next(client):
    response = client.get("/natverk/plan?x=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/logga-in?next=/natverk/plan?x%3D1"


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/natverk/plan", "/natverk/plan"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ],
)
def test_login_follows_only_local_next(app, world, client, next_url, expected):
    with app.app_context():
        email = world.person("member").email
    response = client.post("/logga-in", {"email": email, "password": PASSWORD, "next": next_url})
    assert response.headers["Location"] == expected


def test_login_is_throttled_per_account(app, world, client):
    with app.app_context():
        email = world.person("member").email
    for _ in range(5):
        assert client.login(email, "fel-losenord-123").status_code == 422
    blocked = client.login(email)  # even the right password waits now
    assert blocked.status_code == 429
    assert "För många försök" in blocked.get_data(as_text=True)
    # Another account from the same address is not blocked by this one's count.
    with app.app_context():
        other = world.person("director").email
    assert client.login(other).status_code == 303


def test_login_is_throttled_per_address(app, world):
    app_limit = app.config["LOGIN_LIMIT_PER_ADDRESS"]
    count = int(app_limit.split()[0])
    client = Client(app)
    for i in range(count):
        client.login(f"okand{i}@test.example", "fel-losenord-123")
    assert client.login("okand-sista@test.example", "x").status_code == 429


def test_successful_logins_do_not_count_towards_the_limit(app, world):
    with app.app_context():
        email = world.person("member").email
    for _ in range(7):
        c = Client(app)
        assert c.login(email).status_code == 303


def test_login_post_without_csrf_token_is_refused(app, world, client):
    with app.app_context():
        email = world.person("member").email
    response = client.post("/logga-in", {"email": email, "password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert "Formuläret kunde inte skickas" in response.get_data(as_text=True)


def test_logout_requires_post_with_csrf(app, world, login_as):
    c = login_as("member")
    assert c.get("/logga-ut").status_code == 405
    assert c.post("/logga-ut", csrf=False).status_code == 400
    assert c.get("/").status_code == 200  # still logged in


def test_htmx_post_without_csrf_header_is_refused(app, world, login_as):
    c = login_as("member")
    response = c.http.post("/sprak", data={"lang": "en"}, headers=HX)
    assert response.status_code == 400
    assert response.headers["HX-Retarget"] == "#messages"


def test_passwords_are_argon2id_at_owasp_floor_or_above():
    assert HASHER.type.name == "ID"
    assert HASHER.memory_cost >= 19456
    assert HASHER.time_cost >= 2
    assert HASHER.parallelism == 1
    hashed = hash_password("ett-langt-losenord")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "ett-langt-losenord")
    assert not verify_password(hashed, "fel")
    assert not verify_password(None, "vad-som-helst")


def test_person_email_is_unique_case_insensitively(app, world):
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        existing = world.person("member").email
        db.session.add(Person(name="Dubblett", email=existing.upper()))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
