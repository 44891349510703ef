"""Technical data is pruned after its time; official records are left alone."""

from datetime import timedelta

from sqlalchemy import func, select

from intranet import clock
from intranet.audit.models import AuditEvent
from intranet.auth.models import AccountToken, LoginSession, PasswordResetRequest
from intranet.extensions import db
from intranet.notifications.models import OutgoingMail
from intranet.org.models import Appointment


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_prune_removes_only_old_technical_rows(app, world, login_as):
    login_as("member")
    login_as("director")
    with app.app_context():
        old = clock.utcnow() - timedelta(days=400)
        person_id = world.ids.member
        db.session.add_all([
            LoginSession(key_hash="a" * 64, person_id=person_id, created_at=old,
                         last_seen_at=old, authenticated_at=old, revoked_at=old),
            LoginSession(key_hash="b" * 64, person_id=person_id, created_at=old,
                         last_seen_at=old, authenticated_at=old),
            AccountToken(token_hash="c" * 64, purpose="invitation", person_id=person_id,
                         created_at=old, expires_at=old + timedelta(days=7)),
            OutgoingMail(to_address="x@test.example", subject="Gammalt", body="",
                         created_at=old, sent_at=old),
            OutgoingMail(to_address="x@test.example", subject="Ej skickat", body="",
                         created_at=old),
            PasswordResetRequest(email="gammal@test.example",
                                 requested_at=clock.utcnow() - timedelta(days=2)),
            PasswordResetRequest(email="ny@test.example", requested_at=clock.utcnow()),
        ])
        db.session.commit()
        sessions, appointments, audit = count(LoginSession), count(Appointment), count(AuditEvent)
    result = app.test_cli_runner().invoke(args=["prune"])
    assert result.exit_code == 0, result.output
    assert ("login_session 1, login_session_idle 1, account_token 1, outgoing_mail 1, "
            "password_reset_request 1") in result.output
    with app.app_context():
        assert list(db.session.scalars(select(PasswordResetRequest.email))) == [
            "ny@test.example"]
    with app.app_context():
        assert count(LoginSession) == sessions - 2  # the two live ones stay
        assert count(AccountToken) == 0
        assert [m.subject for m in db.session.scalars(select(OutgoingMail))] == ["Ej skickat"]
        assert count(Appointment) == appointments and count(AuditEvent) == audit
