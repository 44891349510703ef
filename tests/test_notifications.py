"""E-mail: requests only queue it (the outbox row commits with the change), the sender process
delivers it, a failed mail is kept and retried after a growing wait, and two senders never
send a mail twice. Against a real SMTP server (aiosmtpd) and the run's database."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import make_url, select, text

from intranet import clock
from intranet.appointments.services import end
from intranet.audit.models import AuditEvent
from intranet.auth.models import PasswordResetRequest
from intranet.auth.services import handle_reset_requests
from intranet.config import ROOT
from intranet.extensions import db
from intranet.notifications import services
from intranet.notifications.models import OutgoingMail
from intranet.notifications.services import (
    CHANNEL,
    CLAIM_TIME,
    deliver_due,
    queue,
    retry_delay,
)
from intranet.notifications.watcher import Watcher
from intranet.org.models import Appointment
from tests.conftest import Client, MailCollector, free_port

ON_POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))


def outbox(app) -> list[OutgoingMail]:
    with app.app_context():
        mails = db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)).all()
        db.session.expunge_all()
        return mails


def later(monkeypatch, **delta) -> None:
    """Move the app's clock on."""
    real = clock.utcnow
    monkeypatch.setattr(clock, "utcnow", lambda: real() + timedelta(**delta))


def request_reset(app, world) -> str:
    with app.app_context():
        email = world.person("member").email
    assert Client(app).post("/glomt-losenord", {"email": email}).status_code == 303
    return email


# ---------------------------------------------------------------- requests only queue


def reset_requests(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(PasswordResetRequest.email)))


def test_the_reset_request_for_a_known_address_opens_no_smtp_connection(app, world, smtp):
    email = request_reset(app, world)
    assert smtp.connections == 0 and smtp.messages == []
    # The request wrote the address down, as for any address; the sender looks it up.
    assert reset_requests(app) == [email] and outbox(app) == []
    with app.app_context():
        assert handle_reset_requests() == 1
    assert reset_requests(app) == []
    [mail] = outbox(app)
    assert (mail.to_address, mail.sent_at, mail.attempts) == (email, None, 0)

    assert smtp.deliver() == 1
    assert smtp.connections == 1
    assert smtp.to(email)[0]["Subject"] == mail.subject
    [mail] = outbox(app)
    assert mail.sent_at is not None and mail.attempts == 1 and mail.last_error == ""


def test_an_ended_appointment_is_told_by_the_sender_not_the_request(app, world, login_as, smtp):
    director = login_as("director")
    before = smtp.connections  # logging in sends no mail either
    response = director.post(f"/uppdrag/{world.ids.member_appointment}/avsluta",
                             {"to_date": clock.today().isoformat()})
    assert response.status_code == 303
    assert smtp.connections == before == 0
    waiting = outbox(app)
    assert waiting and all(m.sent_at is None for m in waiting)
    assert smtp.deliver() == len(waiting) == len(smtp.messages)


def test_the_development_backend_writes_eml_files_from_the_sender_only(app, world, login_as):
    directory = Path(app.config["MAIL_DIR"])
    before = set(directory.glob("*.eml"))
    login_as("director").post(f"/uppdrag/{world.ids.member_appointment}/avsluta",
                              {"to_date": clock.today().isoformat()})
    assert set(directory.glob("*.eml")) == before
    with app.app_context():
        assert deliver_due() == len(outbox(app))
    files = sorted(set(directory.glob("*.eml")) - before)
    assert files and "Subject:" in files[-1].read_text()


def test_mail_is_written_in_the_persons_language(app, world, smtp, login_as):
    with app.app_context():
        world.person("member").language = "en"
        db.session.commit()
        member = world.person("member").email
    login_as("director").post(f"/uppdrag/{world.ids.member_appointment}/avsluta",
                              {"to_date": clock.today().isoformat()})
    smtp.deliver()
    assert smtp.to(member)[0]["Subject"] == "Your appointment in Planeringsnätverket has ended"


def test_term_reminder_command_queues_mail_for_the_sender(app, world, smtp):
    with app.app_context(), app.test_request_context():
        appointment = db.session.get(Appointment, world.ids.member_appointment)
        end(appointment, actor=world.person("director"),
            to_date=clock.today() + timedelta(days=10))
        db.session.query(OutgoingMail).delete()
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["send-term-reminders"])
    assert result.exit_code == 0 and "1 appointment(s) reminded." in result.output
    assert smtp.messages == [] and smtp.deliver() == 2
    subjects = {m["To"]: m["Subject"] for m in smtp.messages}
    with app.app_context():
        member, director = world.person("member").email, world.person("director").email
    assert set(subjects) == {member, director}
    assert subjects[member].startswith("Ditt uppdrag i Planeringsnätverket upphör den")
    to_director = smtp.body(smtp.to(director)[0])
    assert "Utse då en efterträdare" in to_director
    assert f"/representation/{world.ids.alpha}" in to_director


# ---------------------------------------------------------------- failures and retries


def test_a_refused_mail_waits_and_is_delivered_by_a_later_pass(app, world, smtp, monkeypatch):
    email = request_reset(app, world)
    smtp.refuse(1)  # 451: try again later
    assert smtp.deliver() == 0
    [mail] = outbox(app)
    assert mail.sent_at is None and mail.attempts == 1 and "451" in mail.last_error
    assert mail.next_attempt_at > clock.utcnow() + timedelta(seconds=50)
    assert mail.claimed_until is None

    connections = smtp.connections
    assert smtp.deliver() == 0  # not yet: no tight loop on a failing mail
    assert smtp.connections == connections

    later(monkeypatch, minutes=1, seconds=1)
    assert smtp.deliver() == 1
    assert len(smtp.to(email)) == 1
    [mail] = outbox(app)
    assert mail.sent_at is not None and mail.attempts == 2
    assert mail.last_error == "" and mail.next_attempt_at is None


def test_the_wait_grows_with_the_attempts(app, world, smtp, monkeypatch):
    assert [retry_delay(n) / timedelta(minutes=1) for n in range(1, 8)] == [
        1, 2, 5, 15, 60, 60, 60]
    request_reset(app, world)
    smtp.refuse(3)
    waits = []
    for _ in range(3):
        assert smtp.deliver() == 0
        [mail] = outbox(app)
        waits.append(round((mail.next_attempt_at - clock.utcnow()) / timedelta(minutes=1)))
        later(monkeypatch, minutes=waits[-1] + sum(waits[:-1]), seconds=5)
    assert waits == [1, 2, 5]
    assert smtp.deliver() == 1 and outbox(app)[0].attempts == 4


def test_a_mail_that_cannot_be_written_waits_and_the_others_go_out(app, world, smtp, caplog):
    with app.app_context():
        member = world.person("member")
        queue(member, "password_reset", to_address="fel@alfaby.example\nBcc: x@y.example",
              link="http://localhost/a", minutes=60)
        queue(member, "password_reset", link="http://localhost/b", minutes=60)
        db.session.commit()
    assert smtp.deliver() == 1 and len(smtp.messages) == 1
    broken, sent = outbox(app)
    assert broken.sent_at is None and broken.attempts == 1 and broken.next_attempt_at
    assert "ValueError" in broken.last_error and sent.sent_at is not None
    assert "Traceback" in caplog.text  # not the relay's doing: logged in full


def test_mail_survives_an_smtp_outage_and_the_command_sends_it_at_once(app, world, login_as,
                                                                       smtp):
    app.config["MAIL_PORT"] = free_port()  # nobody listens there
    response = login_as("director").post(
        f"/uppdrag/{world.ids.member_appointment}/avsluta",
        {"to_date": clock.today().isoformat()})
    assert response.status_code == 303
    assert smtp.deliver() == 0
    waiting = outbox(app)
    assert waiting and all(m.sent_at is None and m.attempts == 1 for m in waiting)
    assert "ConnectionRefusedError" in waiting[0].last_error
    assert smtp.messages == []

    # `flask deliver-mail` after the relay is back: every waiting mail now, wait or not.
    app.config["MAIL_PORT"] = smtp.port
    result = app.test_cli_runner().invoke(args=["deliver-mail"])
    assert result.exit_code == 0 and f"{len(waiting)} e-mail delivered." in result.output
    assert len(smtp.messages) == len(waiting)
    assert all(m.sent_at is not None and m.attempts == 2 for m in outbox(app))


# ---------------------------------------------------------------- two senders


def test_the_sender_mails_a_link_for_known_addresses_only_and_handles_each_request_once(
        app, world, smtp):
    email = request_reset(app, world)
    assert Client(app).post("/glomt-losenord",
                            {"email": "ingen.alls@alfaby.example"}).status_code == 303
    assert smtp.deliver() == 1  # both requests handled, one mail: to the known address
    assert [m["To"] for m in smtp.messages] == [email]
    assert "/nytt-losenord/" in smtp.messages[0].get_content()
    assert reset_requests(app) == []
    assert smtp.deliver() == 0  # handled once
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.action.like("password_reset%")).order_by(AuditEvent.id)))
    assert actions == ["password_reset_requested", "password_reset_unknown"]


def test_a_mail_another_sender_holds_is_left_to_it(app, world, smtp, monkeypatch):
    request_reset(app, world)
    with app.app_context():
        handle_reset_requests()
        db.session.execute(text("UPDATE outgoing_mail SET claimed_until = :until"),
                           {"until": clock.utcnow() + CLAIM_TIME})
        db.session.commit()
    assert smtp.deliver() == 0
    assert app.test_cli_runner().invoke(args=["deliver-mail"]).output == "0 e-mail delivered.\n"
    later(monkeypatch, minutes=CLAIM_TIME / timedelta(minutes=1), seconds=1)  # it died
    assert smtp.deliver() == 1 and len(smtp.messages) == 1


def test_two_senders_at_once_deliver_each_mail_once(app, world, smtp):
    with app.app_context():
        member = world.person("member")
        for n in range(30):
            queue(member, "password_reset", link=f"http://localhost/{n}", minutes=60)
        db.session.commit()
    start = threading.Barrier(2)
    counts, errors = [], []

    def sender():
        try:
            start.wait()
            counts.append(smtp.deliver())
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sum(counts) == 30 and len(smtp.messages) == 30
    assert len({smtp.body(m) for m in smtp.messages}) == 30
    assert all(m.attempts == 1 and m.sent_at for m in outbox(app))


@pytest.mark.skipif(not ON_POSTGRES, reason="NOTIFY is PostgreSQL's")
def test_queue_notifies_the_sender_at_commit_only(app, world):
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False),
                         autocommit=True) as listener:
        listener.execute(f"LISTEN {CHANNEL}")
        with app.app_context():
            member = world.person("member")
            queue(member, "password_reset", link="http://localhost/x", minutes=60)
            db.session.rollback()
            assert list(listener.notifies(timeout=0.5, stop_after=1)) == []
            queue(member, "password_reset", link="http://localhost/y", minutes=60)
            queue(member, "password_reset", link="http://localhost/z", minutes=60)
            db.session.commit()
        [notice] = list(listener.notifies(timeout=5, stop_after=1))
        assert notice.channel == CHANNEL


# ---------------------------------------------------------------- the sender process


class SenderProcess:
    """`flask deliver-mail --watch` as it runs in production, against the test database and
    an SMTP server of the test's; its log in a file."""

    def __init__(self, app, smtp: MailCollector, log: Path, application_name: str):
        url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
        if url.get_backend_name() == "postgresql":
            url = url.update_query_dict({"application_name": application_name})
        env = {**os.environ, "INTRANET_ENV": "development",
               "DATABASE_URL": url.render_as_string(hide_password=False),
               "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp.port)}
        self.log = log
        self._log_file = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "deliver-mail", "--watch"],
            cwd=ROOT, env=env, stdout=self._log_file, stderr=subprocess.STDOUT)
        self.wait_for_log("Mail sender started", seconds=30)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for_log(self, words: str, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while words not in self.output():
            assert self.process.poll() is None, self.output()
            assert time.monotonic() < deadline, f"no {words!r} in:\n{self.output()}"
            time.sleep(0.05)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self._log_file.close()


@pytest.fixture
def sender_process(app, tmp_path):
    started = []

    def start(smtp: MailCollector) -> SenderProcess:
        name = f"mail-sender-test-{os.getpid()}"
        started.append(SenderProcess(app, smtp, tmp_path / "sender.log", name))
        return started[-1]

    yield start
    for process in started:
        process.stop()


def wait_for_mail(smtp: MailCollector, count: int, seconds: float,
                  sender: SenderProcess) -> float:
    began = time.monotonic()
    while len(smtp.messages) < count:
        assert sender.process.poll() is None, sender.output()
        assert time.monotonic() - began < seconds, (
            f"{len(smtp.messages)} of {count} arrived; the sender's log:\n{sender.output()}")
        time.sleep(0.02)
    return time.monotonic() - began


def wait_until_listening_and_idle(app, seconds: float = 10) -> None:
    """On PostgreSQL: until the sender LISTENs and has finished its first look at the outbox
    (its last statement asked when a failed mail is due), so that only a NOTIFY wakes it."""
    deadline = time.monotonic() + seconds
    with app.app_context():
        while True:
            queries = db.session.scalars(text(
                "SELECT query FROM pg_stat_activity WHERE application_name = :name "
                "AND state = 'idle'"), {"name": f"mail-sender-test-{os.getpid()}"}).all()
            if f"LISTEN {CHANNEL}" in queries and any("min(" in q for q in queries):
                break
            assert time.monotonic() < deadline, queries
            time.sleep(0.05)
        db.session.remove()


def test_the_sender_process_delivers_within_seconds_and_stops_on_sigterm(
        app, world, smtp, sender_process):
    sender = sender_process(smtp)
    if ON_POSTGRES:
        wait_until_listening_and_idle(app)
    email = request_reset(app, world)
    # On PostgreSQL well within its 30 s poll: the NOTIFY woke it.
    assert wait_for_mail(smtp, 1, seconds=5, sender=sender) < 5
    assert smtp.to(email)
    assert sender.stop() == 0
    assert "Mail sender stopped." in sender.output()
    [mail] = outbox(app)
    assert mail.sent_at is not None and mail.attempts == 1


def test_the_sender_wakes_when_a_refused_mail_is_due_again(app, world, smtp, monkeypatch):
    """The watcher in a thread of this process, with waits of a second instead of minutes:
    it sleeps until the failed mail is due (not the 30 s poll of PostgreSQL)."""
    monkeypatch.setattr(services, "RETRY_DELAYS", (timedelta(seconds=1),))
    smtp.refuse(1)
    watcher = Watcher(app)
    thread = threading.Thread(target=watcher.run)
    thread.start()
    try:
        email = request_reset(app, world)
        began = time.monotonic()
        while not smtp.to(email):
            assert time.monotonic() - began < 5, outbox(app)
            time.sleep(0.02)
    finally:
        watcher.stop()
        thread.join(5)
    assert not thread.is_alive()
    assert smtp.connections == 2
    [mail] = outbox(app)
    assert mail.sent_at is not None and mail.attempts == 2


@pytest.mark.skipif(not ON_POSTGRES, reason="the database's connections cut by PostgreSQL")
def test_the_sender_process_survives_the_database_going_away(
        app, world, smtp, sender_process):
    sender = sender_process(smtp)
    wait_until_listening_and_idle(app)
    with app.app_context():
        cut = db.session.scalar(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = :name"), {"name": f"mail-sender-test-{os.getpid()}"})
        db.session.remove()
    assert cut >= 1
    sender.wait_for_log("the database is not available", seconds=10)
    request_reset(app, world)
    wait_for_mail(smtp, 1, seconds=15, sender=sender)
    sender.wait_for_log("the database is back", seconds=5)
    assert sender.process.poll() is None
    assert sender.stop() == 0


def test_a_subject_longer_than_its_column_is_shortened_not_refused(app, world, monkeypatch):
    """A referral's title of 300 characters in "Ny remiss för <network>: <title>" made a
    subject longer than its column (PostgreSQL refused the whole registration): the subject
    is cut with an ellipsis, the body keeps everything."""
    title = "Ny remiss för Nätverket för planeringschefer: " + "T" * 300
    monkeypatch.setattr(services, "compose", lambda person, template, **c: (title, "T" * 300))
    with app.test_request_context():
        mail = services.queue(world.person("member"), "consultation_registered")
        db.session.commit()
        stored = db.session.get(OutgoingMail, mail.id)
        assert len(stored.subject) == services.SUBJECT_LIMIT
        assert stored.subject == title[:services.SUBJECT_LIMIT - 1] + "…"
        assert stored.body == "T" * 300
