"""E-mail: queued with the change, delivered after commit, kept and retried when SMTP fails."""

from datetime import timedelta

from sqlalchemy import select

from intranet import clock
from intranet.appointments.services import end
from intranet.extensions import db
from intranet.notifications.models import OutgoingMail
from intranet.org.models import Appointment
from tests.conftest import free_port


def test_mail_survives_an_smtp_outage_and_is_delivered_later(app, world, login_as, smtp):
    app.config["MAIL_PORT"] = free_port()  # nobody listens there
    response = login_as("director").post(
        f"/uppdrag/{world.ids.member_appointment}/avsluta",
        {"to_date": clock.today().isoformat()})
    assert response.status_code == 303  # the change stands even though mail failed
    with app.app_context():
        waiting = db.session.scalars(select(OutgoingMail)).all()
        assert waiting and all(m.sent_at is None and m.attempts == 1 for m in waiting)
        assert "ConnectionRefusedError" in waiting[0].last_error
    assert smtp.messages == []

    app.config["MAIL_PORT"] = smtp.port
    result = app.test_cli_runner().invoke(args=["deliver-mail"])
    assert result.exit_code == 0 and f"{len(waiting)} e-mail delivered." in result.output
    assert len(smtp.messages) == len(waiting)
    with app.app_context():
        assert all(m.sent_at is not None for m in db.session.scalars(select(OutgoingMail)))


def test_term_reminder_command_sends_mail(app, world, smtp):
    with app.app_context(), app.test_request_context():
        appointment = db.session.get(Appointment, world.ids.member_appointment)
        end(appointment, actor=world.person("director"),
            to_date=clock.today() + timedelta(days=10))
        db.session.query(OutgoingMail).delete()
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["send-term-reminders"])
    assert result.exit_code == 0 and "1 appointment(s) reminded." in result.output
    subjects = {m["To"]: m["Subject"] for m in smtp.messages}
    with app.app_context():
        member, director = world.person("member").email, world.person("director").email
    assert set(subjects) == {member, director}
    assert subjects[member].startswith("Uppdrag i Planeringsnätverket upphör")
    assert "Utse en efterträdare" in smtp.body(smtp.to(director)[0])


def test_mail_is_written_in_the_persons_language(app, world, smtp, login_as):
    with app.app_context():
        world.person("member").language = "en"
        db.session.commit()
        member = world.person("member").email
    login_as("director").post(f"/uppdrag/{world.ids.member_appointment}/avsluta",
                              {"to_date": clock.today().isoformat()})
    assert smtp.to(member)[0]["Subject"] == "Appointment in Planeringsnätverket ended"


def test_development_backend_writes_eml_files(app, world, login_as):
    from pathlib import Path

    login_as("director").post(f"/uppdrag/{world.ids.member_appointment}/avsluta",
                              {"to_date": clock.today().isoformat()})
    files = sorted(Path(app.config["MAIL_DIR"]).glob("*.eml"))
    assert files and "Subject:" in files[-1].read_text()
