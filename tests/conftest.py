"""Shared fixtures: one app per session on SQLite (or TEST_DATABASE_URL), the schema built by
the Alembic migrations, every table emptied after each test, and a small organisation with one
person for each role."""

from __future__ import annotations

import os
import re
import socket
import tempfile
from dataclasses import dataclass
from datetime import date
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from types import SimpleNamespace

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, text

from intranet import cache, create_app
from intranet.auth import throttle
from intranet.auth.passwords import hash_password
from intranet.config import ROOT
from intranet.extensions import db, limiter
from intranet.org.models import (
    Appointment,
    Body,
    BodyKind,
    Cooperation,
    FocusArea,
    Municipality,
    Network,
    NetworkRole,
    Person,
    Seat,
    SubGoal,
)
from intranet.org.services import forget_cooperation_name
from tests.queries import recorded_statements

PASSWORD = "korrekt-hast-batteri"
HX = {"HX-Request": "true"}
MIGRATIONS = str(ROOT / "migrations")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(tmp_dir) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return worker_database(url)
    return f"sqlite:///{tmp_dir / 'test.sqlite3'}"


def worker_database(url: str, purpose: str = "") -> str:
    """Under pytest-xdist, each worker's own database next to TEST_DATABASE_URL's (test_gw0,
    test_gw1, ...), created when missing; without xdist, TEST_DATABASE_URL itself. With a
    purpose, another one of the worker's (test_gw0_purpose, or test_purpose)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker and not purpose:
        return url
    base = make_url(url)
    name = "_".join(part for part in (base.database, worker, purpose) if part)
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                 {"name": name})
            if not exists:
                quoted = conn.dialect.identifier_preparer.quote_identifier(name)
                conn.execute(text(f"CREATE DATABASE {quoted}"))
    finally:
        engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def scratch_database(tmp_dir) -> str:
    """An empty database of the test run's kind besides the session's (a migration's test)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_dir / 'scratch.sqlite3'}"
    scratch = worker_database(url, "scratch")
    reset_postgres(scratch)
    return scratch


def reset_postgres(url: str) -> None:
    """Start the session from an empty schema on a PostgreSQL test database."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def pytest_sessionstart(session):
    """Compile the translation catalogues when they are missing or older than their source
    (`make test` does it too; this keeps a bare `pytest` honest)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (ROOT / "intranet" / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as f:
                catalogue = read_po(f)
            # Written aside and renamed, so that pytest-xdist's workers, which all start here,
            # never see (or leave) a half-written catalogue.
            fd, temp = tempfile.mkstemp(prefix=".messages-", suffix=".mo", dir=mo.parent)
            try:
                with os.fdopen(fd, "wb") as f:
                    write_mo(f, catalogue)
                os.chmod(temp, 0o644)
                os.replace(temp, mo)
            except BaseException:
                os.unlink(temp)
                raise


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = database_url(tmp_path_factory.mktemp("db"))
    if url.startswith("postgresql"):
        reset_postgres(url)
    app = create_app("test", {
        "SQLALCHEMY_DATABASE_URI": url,
        "RATELIMIT_STORAGE_URI": "memory://",
        "MAIL_BACKEND": "file",
        "MAIL_DIR": str(tmp_path_factory.mktemp("mail")),
        "STORAGE_DIR": str(tmp_path_factory.mktemp("files")),
        # The benchmark's floor route, so that the access matrix covers it too.
        "BENCH_FLOOR": True,
    })
    with app.app_context():
        upgrade(directory=MIGRATIONS)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def make_app(app):
    """Another app on the same database (for routes only a test needs); disposed after."""
    made = []

    def _make(config_name: str = "test", **config):
        settings = {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                    "RATELIMIT_STORAGE_URI": "memory://",
                    "STORAGE_DIR": app.config["STORAGE_DIR"], **config}
        new = create_app(config_name, settings)
        made.append(new)
        return new

    yield _make
    for new in made:
        with new.app_context():
            db.engine.dispose()


def empty_all_tables(app) -> None:
    with app.app_context():
        db.session.remove()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
    forget_cooperation_name(app)
    cache.reset(app)


@pytest.fixture(autouse=True)
def _clean(request):
    yield
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        empty_all_tables(app)
        with app.app_context():
            limiter.reset()
            throttle.reset()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield
        db.session.remove()


# ---------------------------------------------------------------- factories

_PASSWORD_HASH = None


def password_hash() -> str:
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = hash_password(PASSWORD)
    return _PASSWORD_HASH


def make_person(name: str, municipality=None, title: str = "", email: str | None = None,
                active: bool = True) -> Person:
    email = email or re.sub(r"[^a-z]+", ".", name.lower()).strip(".") + "@test.example"
    person = Person(name=name, email=email, title=title, municipality=municipality,
                    active=active, password_hash=password_hash())
    db.session.add(person)
    db.session.flush()
    return person


def make_seat(body: Body, person: Person, municipality=None, officer=None,
              from_date=date(2020, 1, 1), to_date=None) -> Seat:
    seat = Seat(body=body, person=person, municipality=municipality, officer=officer,
                from_date=from_date, to_date=to_date)
    db.session.add(seat)
    db.session.flush()
    return seat


def appoint(network: Network, person: Person, municipality: Municipality,
            role=NetworkRole.MEMBER, from_date=date(2020, 1, 1), to_date=None) -> Appointment:
    appointment = Appointment(network=network, person=person, municipality=municipality,
                              role=role, from_date=from_date, to_date=to_date)
    db.session.add(appointment)
    db.session.flush()
    return appointment


def make_action(network: Network, activity: str = "En aktivitet", sub_goal: SubGoal | None = None,
                **fields):
    """A row of the network's action list, last in its list."""
    from sqlalchemy import func, select

    from intranet.actions.models import ActionItem

    sub_goal = sub_goal or db.session.scalar(select(SubGoal).order_by(SubGoal.id))
    position = (db.session.scalar(select(func.max(ActionItem.position)).where(
        ActionItem.network_id == network.id)) or 0) + 1
    item = ActionItem(network_id=network.id, sub_goal_id=sub_goal.id, activity=activity,
                      position=position, **fields)
    db.session.add(item)
    db.session.flush()
    return item


ROLES = (
    "anonymous",
    "member",
    "other_member",
    "convener",
    "director",
    "other_director",
    "committee",
    "secretariat",
)


@dataclass
class World:
    """A small cooperation: three municipalities, two networks, one person per role."""

    ids: SimpleNamespace

    def person(self, role: str) -> Person | None:
        if role == "anonymous":
            return None
        return db.session.get(Person, getattr(self.ids, role))

    def network(self, key: str = "network") -> Network:
        return db.session.get(Network, getattr(self.ids, key))


def build_world() -> SimpleNamespace:
    db.session.add(Cooperation(id=1, name="Testkommunernas samarbete", short_name="Test"))
    alpha = Municipality(name="Alfaby", position=0)
    beta = Municipality(name="Betaholm", position=1)
    gamma = Municipality(name="Gammastad", position=2)
    db.session.add_all([alpha, beta, gamma])
    committee = Body(kind=BodyKind.COMMITTEE, name="Samarbetskommittén", position=0)
    management = Body(kind=BodyKind.MANAGEMENT_GROUP, name="Ledningsgruppen", position=1)
    secretariat = Body(kind=BodyKind.SECRETARIAT, name="Kansliet", position=2)
    db.session.add_all([committee, management, secretariat])
    area = FocusArea(name="Infrastruktur", kind="regional", goal="Stark infrastruktur",
                     position=0)
    db.session.add(area)
    db.session.flush()
    db.session.add(SubGoal(focus_area_id=area.id, text="God framkomlighet", position=0))
    network = Network(name="Planeringsnätverket", short_name="PLAN", slug="plan",
                      description="Planeringschefer", focus_areas=[area])
    other_network = Network(name="Klimatnätverket", short_name="KLIMAT", slug="klimat",
                            description="Klimatstrateger")
    db.session.add_all([network, other_network])
    db.session.flush()

    member = make_person("Maja Medlem", alpha, "Planeringschef")
    convener = make_person("Kalle Sammankallande", beta, "Planeringschef")
    other_member = make_person("Olle Annannät", alpha, "Klimatstrateg")
    director = make_person("Dora Direktör", alpha, "Kommundirektör")
    other_director = make_person("Bertil Betadirektör", beta, "Kommundirektör")
    committee_member = make_person("Kim Kommitté", alpha, "Kommunstyrelsens ordförande")
    staff = make_person("Sam Kansli", None, "Strateg")

    member_appointment = appoint(network, member, alpha)
    appoint(network, convener, beta, role=NetworkRole.CONVENER)
    appoint(other_network, other_member, alpha)
    make_seat(management, director, alpha, officer="chair")
    make_seat(management, other_director, beta)
    committee_seat = make_seat(committee, committee_member, alpha, officer="chair")
    make_seat(secretariat, staff)
    db.session.commit()
    return SimpleNamespace(
        member=member.id, convener=convener.id, other_member=other_member.id,
        director=director.id, other_director=other_director.id,
        committee=committee_member.id, secretariat=staff.id,
        network=network.id, other_network=other_network.id,
        member_appointment=member_appointment.id, committee_seat=committee_seat.id,
        committee_body=committee.id,
        alpha=alpha.id, beta=beta.id, gamma=gamma.id,
    )


@pytest.fixture
def world(app) -> World:
    with app.app_context():
        ids = build_world()
    return World(ids)


# ---------------------------------------------------------------- e-mail


class MailCollector:
    """An aiosmtpd handler keeping every message that arrives, and counting the connections
    made to it. Requests only queue mail: `deliver()` runs the sender's pass (what `flask
    deliver-mail --watch` does), so a test says when the mail leaves."""

    def __init__(self, app=None):
        self.app = app
        self.messages: list[EmailMessage] = []
        self.connections = 0
        self.refusals = 0

    def refuse(self, times: int = 1) -> None:
        """Answer the next `times` messages with 451 (try again later)."""
        self.refusals = times

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.refusals:
            self.refusals -= 1
            return "451 Requested action aborted: try again later"
        self.messages.append(
            message_from_bytes(envelope.content, policy=email_policy.default))
        return "250 Message accepted"

    def deliver(self) -> int:
        """The sender's pass over the outbox: the mail that is due goes out."""
        from intranet.notifications.services import deliver_due

        with self.app.app_context():
            try:
                return deliver_due()
            finally:
                db.session.remove()

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def body(self, message: EmailMessage) -> str:
        return message.get_content()


def smtp_server(collector: MailCollector):
    """A started aiosmtpd server on loopback that counts connections in the collector."""
    from aiosmtpd.controller import Controller

    class CountingController(Controller):
        def factory(self):
            collector.connections += 1
            return super().factory()

    collector.port = free_port()
    controller = CountingController(collector, hostname="127.0.0.1", port=collector.port)
    controller.start()
    collector.connections = 0  # start() connects once to see the server answer
    return controller


@pytest.fixture
def smtp(app):
    """A real SMTP server on loopback, which the app's mail goes to (when the test runs the
    sender: `smtp.deliver()`)."""
    collector = MailCollector(app)
    controller = smtp_server(collector)
    saved = {key: app.config[key] for key in ("MAIL_BACKEND", "MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield collector
    app.config.update(saved)
    controller.stop()


# ---------------------------------------------------------------- HTTP client

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


class Client:
    """The Flask test client with a login helper and CSRF tokens filled in for POSTs."""

    def __init__(self, app):
        self.app = app
        self.http = app.test_client()

    def csrf_token(self) -> str:
        page = self.http.get("/logga-in").get_data(as_text=True)
        if "csrf_token" not in page:  # logged in: the start page carries the token
            page = self.http.get("/").get_data(as_text=True)
        match = CSRF_RE.search(page)
        assert match, "no CSRF token on the page"
        return match.group(1) or match.group(2)

    def get(self, url, htmx: bool = False, **kwargs):
        headers = {**(HX if htmx else {}), **kwargs.pop("headers", {})}
        return self.http.get(url, headers=headers, **kwargs)

    def counted_get(self, url) -> tuple[int, str]:
        """The page's statements to the database, and its text (a page that fails is not
        counted: the test says so)."""
        with recorded_statements(self.app) as statements:
            response = self.http.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return len(statements), response.get_data(as_text=True)

    def post(self, url, data=None, htmx: bool = False, csrf: bool = True, **kwargs):
        data = dict(data or {})
        headers = {**(HX if htmx else {}), **kwargs.pop("headers", {})}
        if csrf:
            token = self.csrf_token()
            if htmx:
                headers["X-CSRFToken"] = token
            else:
                data.setdefault("csrf_token", token)
        return self.http.post(url, data=data, headers=headers, **kwargs)

    def login(self, person_or_email, password: str = PASSWORD):
        email = getattr(person_or_email, "email", person_or_email)
        return self.post("/logga-in", {"email": email, "password": password})

    def logout(self):
        return self.post("/logga-ut")


@pytest.fixture
def client(app) -> Client:
    return Client(app)


@pytest.fixture
def login_as(app, world):
    """login_as("director") → a client logged in as the world's person with that role."""

    def _login(role: str) -> Client:
        c = Client(app)
        if role != "anonymous":
            with app.app_context():
                email = world.person(role).email
            response = c.login(email)
            assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return c

    return _login
