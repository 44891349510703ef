"""Throttling of password guesses stops the attacker, not the person attacked
(intranet.auth.throttle, docs/THROTTLING.md)."""

from __future__ import annotations

import os
import uuid
from datetime import timedelta

import pytest
import redis

from intranet import clock
from intranet.auth.passwords import verify_password
from intranet.extensions import db
from intranet.org.models import Person
from tests.conftest import PASSWORD, Client
from tests.test_appointments_http import appoint_url, appointment_count

WRONG = "fel-losenord-123"


def client_from(app, address: str) -> Client:
    client = Client(app)
    client.http.environ_base["REMOTE_ADDR"] = address
    return client


def email_of(app, world, role: str = "member") -> str:
    with app.app_context():
        return world.person(role).email


def test_the_attackers_address_waits_and_the_real_users_other_address_does_not(app, world):
    email = email_of(app, world)
    attacker = client_from(app, "203.0.113.7")
    for _ in range(5):
        assert attacker.login(email, WRONG).status_code == 422
    blocked = attacker.login(email)  # even the right password is not checked from there
    assert blocked.status_code == 429
    body = blocked.get_data(as_text=True)
    assert "För många försök med fel lösenord" in body and "Glömt lösenord" in body
    assert 'name="email"' in body  # the form is there to try again later
    assert 800 < int(blocked.headers["Retry-After"]) <= 900
    assert client_from(app, "198.51.100.20").login(email).status_code == 303


def test_reaching_a_limit_is_audited_once(app, world):
    from sqlalchemy import select

    from intranet.audit.models import AuditEvent

    email = email_of(app, world)
    attacker = client_from(app, "203.0.113.8")
    for _ in range(5):
        attacker.login(email, WRONG)
    for _ in range(3):
        assert attacker.login(email, WRONG).status_code == 429
    with app.app_context():
        rows = list(db.session.execute(select(AuditEvent.action, AuditEvent.ip).where(
            AuditEvent.action == "login_throttled")))
    assert rows == [("login_throttled", "203.0.113.8")]


def test_a_browser_known_to_the_account_gets_in_behind_the_attackers_address(app, world):
    """A municipality behind one NAT address: an attacker there does not keep its staff out."""
    email = email_of(app, world)
    colleague = client_from(app, "192.0.2.50")
    assert colleague.login(email).status_code == 303  # this browser is now known
    assert colleague.logout().status_code == 303
    attacker = client_from(app, "192.0.2.50")
    for _ in range(5):
        attacker.login(email, WRONG)
    assert attacker.login(email).status_code == 429
    assert colleague.login(email).status_code == 303


def test_the_known_browser_is_counted_on_its_own(app, world):
    email = email_of(app, world)
    owner = client_from(app, "192.0.2.60")
    assert owner.login(email).status_code == 303
    owner.logout()
    for _ in range(5):
        assert owner.login(email, WRONG).status_code == 422
    assert owner.login(email).status_code == 429


def test_a_forged_device_cookie_counts_for_nothing(app, world):
    email = email_of(app, world)
    attacker = client_from(app, "203.0.113.9")
    attacker.http.set_cookie("samverkan_device", "eyJkIjoieCIsImEiOltdfQ.forged.sig")
    for _ in range(5):
        attacker.login(email, WRONG)
    assert attacker.login(email).status_code == 429


def test_one_address_trying_many_accounts_waits(app, world):
    limit = int(app.config["LOGIN_LIMIT_PER_ADDRESS"].split()[0])
    scanner = client_from(app, "203.0.113.30")
    for i in range(limit):
        assert scanner.login(f"gissning{i}@test.example", WRONG).status_code == 422
    assert scanner.login(email_of(app, world, "director")).status_code == 429


def frozen_clock(monkeypatch):
    """The app's clock stands still: a wait of a second is not over because the machine is
    slow. Returns the moment."""
    now = clock.utcnow()
    monkeypatch.setattr(clock, "utcnow", lambda: now)
    return now


def test_many_addresses_against_one_account_are_slowed_and_never_locked_out(
        app, world, monkeypatch):
    frozen_clock(monkeypatch)
    email = email_of(app, world)
    owner = client_from(app, "192.0.2.70")
    assert owner.login(email).status_code == 303  # the owner's own browser, known
    owner.logout()
    after = app.config["LOGIN_SLOWDOWN_AFTER"]
    for i in range(after):
        assert client_from(app, f"10.0.0.{i + 1}").login(email, WRONG).status_code == 422
    # From an address that has never failed, even the right password waits a moment now.
    slowed = client_from(app, "10.0.1.1").login(email)
    assert slowed.status_code == 429
    assert "Vänta 1 sekund" in slowed.get_data(as_text=True)
    # The owner's known browser is not slowed.
    assert owner.login(email).status_code == 303
    owner.logout()

    now = clock.utcnow()
    monkeypatch.setattr(clock, "utcnow", lambda: now + timedelta(seconds=2))
    assert client_from(app, "10.0.1.2").login(email, WRONG).status_code == 422
    # Each further wrong password doubles the wait.
    assert "Vänta 2 sekunder" in client_from(app, "10.0.1.3").login(email).get_data(
        as_text=True)
    monkeypatch.setattr(clock, "utcnow", lambda: now + timedelta(seconds=5))
    assert client_from(app, "10.0.1.4").login(email).status_code == 303


def test_the_wait_is_capped(app, world, monkeypatch):
    email = email_of(app, world)
    app.config["LOGIN_SLOWDOWN_AFTER"], after = 1, app.config["LOGIN_SLOWDOWN_AFTER"]
    try:
        moment = clock.utcnow()
        for i in range(12):
            monkeypatch.setattr(clock, "utcnow",
                                lambda i=i: moment + timedelta(seconds=400 * i))
            client_from(app, f"10.9.0.{i + 1}").login(email, WRONG)
        waiting = client_from(app, "10.9.1.1").login(email).get_data(as_text=True)
        assert "Vänta 5 minuter" in waiting
    finally:
        app.config["LOGIN_SLOWDOWN_AFTER"] = after


def test_a_password_reset_link_makes_the_browser_known(app, world, monkeypatch):
    from intranet.auth.models import TokenPurpose
    from intranet.auth.services import issue_token

    frozen_clock(monkeypatch)
    email = email_of(app, world)
    for i in range(app.config["LOGIN_SLOWDOWN_AFTER"]):
        client_from(app, f"10.3.0.{i + 1}").login(email, WRONG)
    owner = client_from(app, "10.3.1.1")
    assert owner.login(email).status_code == 429
    with app.app_context():
        person = db.session.get(Person, world.ids.member)
        token = issue_token(person, TokenPurpose.PASSWORD_RESET, timedelta(hours=1))
        db.session.commit()
    new = "ett-helt-nytt-losenord-2026"
    assert owner.post(f"/nytt-losenord/{token}",
                      {"password": new, "password_again": new}).status_code == 303
    owner.logout()
    assert owner.login(email, new).status_code == 303


def test_the_password_change_form_is_throttled(app, world, login_as):
    member = login_as("member")
    new = "ett-annat-losenord-2026"
    for _ in range(5):
        wrong = member.post("/profil/losenord", {"current_password": WRONG, "password": new,
                                                "password_again": new})
        assert wrong.status_code == 422
    blocked = member.post("/profil/losenord", {"current_password": PASSWORD, "password": new,
                                              "password_again": new})
    assert blocked.status_code == 429
    assert "För många försök med fel lösenord" in blocked.get_data(as_text=True)
    with app.app_context():
        person = db.session.get(Person, world.ids.member)
        assert verify_password(person.password_hash, PASSWORD)  # unchanged


def test_the_recent_login_confirmation_is_throttled_and_keeps_the_input(
        app, world, login_as, monkeypatch):
    director = login_as("director")
    real = clock.utcnow
    monkeypatch.setattr(clock, "utcnow", lambda: real() + timedelta(minutes=31))
    form = {"name": "Fia Färsk", "email": "fia@alfaby.example",
            "from_date": clock.today().isoformat()}
    for _ in range(5):
        director.post(appoint_url(world), {**form, "confirm_password": WRONG})
    blocked = director.post(appoint_url(world), {**form, "confirm_password": PASSWORD})
    body = blocked.get_data(as_text=True)
    assert blocked.status_code == 422
    assert "För många försök med fel lösenord" in body and 'value="Fia Färsk"' in body
    assert appointment_count(app) == 3


# ---------------------------------------------------------------- several workers


def _redis_or_skip() -> str:
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            raise
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    return url


@pytest.fixture
def shared_redis():
    url = _redis_or_skip()
    prefix = f"samverkan-test:{uuid.uuid4().hex}:"
    yield url, prefix
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)


def test_two_app_instances_share_the_counts_in_redis(app, world, make_app, shared_redis):
    url, prefix = shared_redis
    one = make_app(REDIS_URL=url, THROTTLE_KEY_PREFIX=prefix)
    two = make_app(REDIS_URL=url, THROTTLE_KEY_PREFIX=prefix)
    email = email_of(app, world)
    for _ in range(3):
        assert client_from(one, "203.0.113.40").login(email, WRONG).status_code == 422
    for _ in range(2):
        assert client_from(two, "203.0.113.40").login(email, WRONG).status_code == 422
    assert client_from(one, "203.0.113.40").login(email).status_code == 429
    assert client_from(two, "203.0.113.40").login(email).status_code == 429
    assert client_from(two, "198.51.100.41").login(email).status_code == 303


def test_without_redis_logins_go_on_counted_in_the_process(app, world, make_app, caplog):
    lonely = make_app(REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens there
    email = email_of(app, world)
    assert client_from(lonely, "192.0.2.80").login(email).status_code == 303
    attacker = client_from(lonely, "203.0.113.50")
    for _ in range(5):
        attacker.login(email, WRONG)
    assert attacker.login(email).status_code == 429
    assert "Redis did not answer" in caplog.text


# ---------------------------------------------------------------- at the same moment


def _at_once(clients, email: str, password: str) -> list[int]:
    """Each client posts the login at the same moment (its form fetched before)."""
    import threading

    tokens = [c.csrf_token() for c in clients]
    start = threading.Barrier(len(clients))
    statuses: list[int] = []

    def post(client, token):
        start.wait()
        statuses.append(client.http.post("/logga-in", data={
            "email": email, "password": password, "csrf_token": token}).status_code)

    threads = [threading.Thread(target=post, args=pair) for pair in zip(clients, tokens,
                                                                          strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return statuses


def test_guesses_sent_at_the_same_moment_do_not_pass_the_limit(app, world):
    email = email_of(app, world)
    statuses = _at_once([client_from(app, "203.0.113.60") for _ in range(12)], email, WRONG)
    assert statuses.count(422) == 5 and statuses.count(429) == 7


def test_guesses_at_the_same_moment_from_many_addresses_pass_one_at_a_time(app, world):
    email = email_of(app, world)
    after = app.config["LOGIN_SLOWDOWN_AFTER"]
    for i in range(after):
        client_from(app, f"10.4.0.{i + 1}").login(email, WRONG)
    clients = [client_from(app, f"10.5.0.{i + 1}") for i in range(8)]
    assert _at_once(clients, email, WRONG).count(422) <= 1


def test_two_app_instances_share_the_limit_at_the_same_moment(app, world, make_app,
                                                              shared_redis):
    url, prefix = shared_redis
    one = make_app(REDIS_URL=url, THROTTLE_KEY_PREFIX=prefix)
    two = make_app(REDIS_URL=url, THROTTLE_KEY_PREFIX=prefix)
    email = email_of(app, world)
    clients = [client_from(one if i % 2 else two, "203.0.113.61") for i in range(12)]
    statuses = _at_once(clients, email, WRONG)
    assert statuses.count(422) == 5 and statuses.count(429) == 7


def test_a_redis_that_does_not_answer_is_not_asked_on_every_login(app, world, make_app):
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted = []

    def accept():
        while True:
            try:
                accepted.append(listener.accept()[0])  # and never a word back
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    port = listener.getsockname()[1]
    try:
        silent = make_app(REDIS_URL=f"redis://127.0.0.1:{port}/0")
        email = email_of(app, world)
        for _ in range(4):
            assert client_from(silent, "192.0.2.90").login(email).status_code == 303
        assert len(accepted) == 1  # asked once, then counted in the process for a while
    finally:
        listener.close()
        for connection in accepted:
            connection.close()
