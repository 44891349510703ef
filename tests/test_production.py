"""What production refuses and sends: links only from BASE_URL, no forged hosts, no demo
data, and the serving setup's own answers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import func, select

from intranet import create_app
from intranet.auth.services import handle_reset_requests
from intranet.config import ROOT, Config, ConfigError
from intranet.extensions import db
from intranet.notifications.models import OutgoingMail
from intranet.org.models import Person
from tests.conftest import CSRF_RE, PASSWORD, Client, free_port

BASE = "https://samverkan.example.se"


def production_settings(app, **extra) -> dict:
    return {"SECRET_KEY": "produktion-test-" + "x" * 32,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "BASE_URL": BASE, "REDIS_URL": "redis://127.0.0.1:6379/0",
            "RATELIMIT_STORAGE_URI": "memory://", "STORAGE_DIR": app.config["STORAGE_DIR"],
            **extra}


@pytest.fixture
def production(app, make_app):
    """An app in production on the test database, with what production requires."""
    return lambda **extra: make_app("production", **production_settings(app, **extra))


# ---------------------------------------------------------------- refusing to start


@pytest.mark.parametrize(("missing", "message"), [
    ("SECRET_KEY", "SECRET_KEY must be set"),
    ("BASE_URL", "BASE_URL must be set in production"),
    ("REDIS_URL", "REDIS_URL must be set in production"),
])
def test_production_refuses_to_start_without_what_it_needs(app, monkeypatch, missing, message):
    settings = production_settings(app)
    settings.pop(missing)
    monkeypatch.setattr(Config, missing, None)
    with pytest.raises(ConfigError, match=message):
        create_app("production", settings)


@pytest.mark.parametrize("base", ["samverkan.example.se", "ftp://samverkan.example.se",
                                  "https://", "https://samverkan.example.se/?a=1"])
def test_production_refuses_a_base_url_that_is_not_an_address(app, base):
    with pytest.raises(ConfigError, match="BASE_URL must be an address"):
        create_app("production", production_settings(app, BASE_URL=base))


# ---------------------------------------------------------------- hosts and links


def test_production_answers_400_to_a_forged_host(app, world, production):
    client = production().test_client()
    assert client.get("/logga-in", base_url=BASE).status_code == 200
    forged = client.get("/logga-in", base_url="https://evil.example")
    assert forged.status_code == 400
    assert "Felaktig begäran" in forged.get_data(as_text=True)
    assert client.get("/logga-in", base_url="http://127.0.0.1:8000").status_code == 400


def test_extra_trusted_hosts_are_answered(app, world, production):
    client = production(EXTRA_TRUSTED_HOSTS="127.0.0.1, intern.example").test_client()
    assert client.get("/halsa", base_url="http://127.0.0.1:8000").status_code == 200
    assert client.get("/halsa", base_url="https://evil.example").status_code == 400


def post_form(app, path: str, fields: dict, base_url: str):
    """GET the form and POST it, both to `base_url`'s host, as a browser there would."""
    http = app.test_client()
    page = http.get(path, base_url=base_url).get_data(as_text=True)
    match = CSRF_RE.search(page)
    assert match, page[:300]
    return http.post(path, base_url=base_url, headers={"Referer": base_url + path},
                     data={**fields, "csrf_token": match.group(1) or match.group(2)})


def mails(app) -> list[OutgoingMail]:
    with app.app_context():
        return list(db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)))


def test_the_reset_link_comes_from_base_url_whatever_host_the_request_names(
        app, world, make_app):
    configured = make_app(BASE_URL=BASE)
    with app.app_context():
        email = world.person("member").email
    response = post_form(configured, "/glomt-losenord", {"email": email},
                         base_url="http://evil.example")
    assert response.status_code == 303
    with configured.app_context():  # the mail sender's step, as deployed: no request at all
        handle_reset_requests()
    [mail] = mails(app)
    assert f"{BASE}/nytt-losenord/" in mail.body
    assert "evil.example" not in mail.body and "localhost" not in mail.body


def test_the_invitation_link_comes_from_base_url(app, world, make_app):
    from tests.test_appointments_http import appoint_url

    configured = make_app(BASE_URL=BASE)
    from intranet import clock

    http = configured.test_client()
    with app.app_context():
        email = world.person("director").email
    evil = "http://evil.example"
    page = http.get("/logga-in", base_url=evil).get_data(as_text=True)
    token = CSRF_RE.search(page)
    token = token.group(1) or token.group(2)
    assert http.post("/logga-in", base_url=evil, data={
        "email": email, "password": PASSWORD, "csrf_token": token}).status_code == 303
    page = http.get(appoint_url(world), base_url=evil).get_data(as_text=True)
    token = CSRF_RE.search(page)
    response = http.post(appoint_url(world), base_url=evil, data={
        "name": "Nina Ny", "email": "nina.ny@alfaby.example",
        "from_date": clock.today().isoformat(), "csrf_token": token.group(1) or token.group(2)})
    assert response.status_code == 303
    invitation = [m for m in mails(app) if m.to_address == "nina.ny@alfaby.example"]
    assert invitation and f"{BASE}/inbjudan/" in invitation[0].body
    assert "evil.example" not in invitation[0].body


def test_links_are_built_outside_a_request_too(app, make_app):
    from intranet.urls import external_url

    configured = make_app(BASE_URL=BASE + "/ytan")
    with configured.app_context():
        assert external_url("networks.show", slug="sup") == f"{BASE}/ytan/natverk/sup"


# ---------------------------------------------------------------- forwarded headers


def test_forwarded_addresses_are_ignored_unless_a_proxy_is_configured(app, world, make_app):
    with app.app_context():
        email = world.person("member").email
    direct = make_app()
    for i in range(5):
        Client(direct).post("/logga-in", {"email": email, "password": "fel-fel-fel"},
                            headers={"X-Forwarded-For": f"10.0.0.{i}"})
    # The forged header did not make five different clients of one.
    blocked = Client(direct).post("/logga-in", {"email": email, "password": PASSWORD},
                                  headers={"X-Forwarded-For": "10.0.0.99"})
    assert blocked.status_code == 429


def test_behind_a_configured_proxy_the_forwarded_address_is_the_client(app, world, make_app):
    with app.app_context():
        email = world.person("member").email
    proxied = make_app(PROXY_X_FOR=1)
    for _ in range(5):
        Client(proxied).post("/logga-in", {"email": email, "password": "fel-fel-fel"},
                             headers={"X-Forwarded-For": "203.0.113.5"})
    attacker = Client(proxied).post("/logga-in", {"email": email, "password": PASSWORD},
                                    headers={"X-Forwarded-For": "203.0.113.5"})
    assert attacker.status_code == 429
    colleague = Client(proxied).post("/logga-in", {"email": email, "password": PASSWORD},
                                     headers={"X-Forwarded-For": "198.51.100.6"})
    assert colleague.status_code == 303


# ---------------------------------------------------------------- nothing made for the demo


@pytest.mark.parametrize("command", [["seed-demo"], ["generate-load", "--scale", "0.01"]])
def test_demo_and_load_data_are_refused_in_production(app, production, command):
    prod = production()
    result = prod.test_cli_runner().invoke(args=command)
    assert result.exit_code == 1
    assert "INTRANET_ENV=development" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Person)) == 0


def test_demo_data_are_refused_by_the_installed_command_in_production(app, tmp_path):
    """As an operator would type it: the console command, its exit code and its words."""
    env = {**os.environ, "INTRANET_ENV": "production", "SECRET_KEY": "x" * 40,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}", "BASE_URL": BASE,
           "REDIS_URL": "redis://127.0.0.1:6379/0", "FLASK_APP": "wsgi"}
    flask = Path(sys.executable).parent / "flask"
    subprocess.run([str(flask), "db", "upgrade"], env=env, cwd=ROOT, check=True,  # noqa: S603
                   capture_output=True)
    result = subprocess.run([str(flask), "seed-demo"], env=env, cwd=ROOT,  # noqa: S603
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "Demo data loaded" not in result.stdout
    assert "INTRANET_ENV=development" in result.stderr


# ---------------------------------------------------------------- the serving setup


@pytest.fixture
def gunicorn_server(app, world):
    port = free_port()
    env = {**os.environ, "INTRANET_ENV": "production", "SECRET_KEY": "x" * 40,
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "BASE_URL": BASE,
           "REDIS_URL": "redis://127.0.0.1:6379/0", "STORAGE_DIR": app.config["STORAGE_DIR"]}
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen([str(gunicorn), "--workers", "1", "--bind",  # noqa: S603
                                f"127.0.0.1:{port}", "wsgi:app"], env=env, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(  # noqa: S310
                    _request(port, "/halsa", "samverkan.example.se"), timeout=2):
                break
        except urllib.error.HTTPError as error:
            error.close()
            break
        except OSError:
            time.sleep(0.2)
    yield port
    process.terminate()
    process.wait(10)


def _request(port: int, path: str, host: str) -> urllib.request.Request:
    return urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})


def test_the_served_app_sends_no_server_header_and_refuses_forged_hosts(gunicorn_server):
    with urllib.request.urlopen(  # noqa: S310
            _request(gunicorn_server, "/logga-in", "samverkan.example.se"), timeout=10) as page:
        assert page.status == 200
        assert page.headers.get("Server") is None
        assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(_request(gunicorn_server, "/logga-in", "evil.example"),  # noqa: S310
                               timeout=10)
    refused.value.close()
    assert refused.value.code == 400
    assert refused.value.headers.get("Server") is None
    # gunicorn takes no path prefix from a header (SCRIPT_NAME from 127.0.0.1 by default).
    prefixed = _request(gunicorn_server, "/logga-in", "samverkan.example.se")
    prefixed.add_header("SCRIPT_NAME", "/evil")
    with urllib.request.urlopen(prefixed, timeout=10) as page:  # noqa: S310
        assert b'action="/evil' not in page.read()


def test_demo_data_are_refused_on_a_database_with_real_people(app, world, make_app):
    """INTRANET_ENV=development pointed at production's database: its people have real
    addresses, so neither command runs."""
    from tests.conftest import make_person

    with app.app_context():
        make_person("Riktig Person", email="riktig.person@botkyrka.se")
        db.session.commit()
        before = db.session.scalar(select(func.count()).select_from(Person))
    development = make_app("development")
    for command in (["seed-demo"], ["generate-load", "--scale", "0.01", "--force"]):
        result = development.test_cli_runner().invoke(args=command)
        assert result.exit_code == 1, result.output
        assert "holds real people" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Person)) == before


def test_production_refuses_the_published_demo_password(app, world, production):
    from intranet.auth.passwords import hash_password
    from intranet.demo.seed import DEMO_PASSWORD

    with app.app_context():
        person = db.session.get(Person, world.ids.secretariat)
        person.password_hash = hash_password(DEMO_PASSWORD)  # a demo backup restored
        email = person.email
        db.session.commit()
    response = post_form(production(), "/logga-in",
                         {"email": email, "password": DEMO_PASSWORD}, base_url=BASE)
    assert response.status_code == 422
    assert "Fel e-postadress eller lösenord" in response.get_data(as_text=True)
