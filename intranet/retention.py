"""Retention (gallring) of technical data. Official records are never removed here: what the
networks wrote, appointments, seats and the audit log stay until a decision says otherwise.
See docs/RETENTION.md."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, or_

from intranet import clock
from intranet.auth.models import AccountToken, LoginSession, PasswordResetRequest
from intranet.extensions import db
from intranet.notifications.models import OutgoingMail

# How long technical rows are kept after they stopped mattering.
LOGIN_SESSIONS = timedelta(days=90)  # after they ended (logout, timeout, revocation)
TOKENS = timedelta(days=30)  # after use or expiry
SENT_MAIL = timedelta(days=365)  # after delivery
RESET_REQUESTS = timedelta(days=1)  # never handled (no mail sender ran)


def prune() -> dict[str, int]:
    """Delete technical rows past their time; returns how many of each."""
    now = clock.utcnow()
    session_cutoff = now - LOGIN_SESSIONS
    counts = {
        "login_session": db.session.execute(delete(LoginSession).where(
            LoginSession.revoked_at.is_not(None), LoginSession.revoked_at < session_cutoff
        )).rowcount,
        "login_session_idle": db.session.execute(delete(LoginSession).where(
            LoginSession.revoked_at.is_(None), LoginSession.last_seen_at < session_cutoff
        )).rowcount,
        "account_token": db.session.execute(delete(AccountToken).where(or_(
            AccountToken.used_at < now - TOKENS, AccountToken.expires_at < now - TOKENS
        ))).rowcount,
        "outgoing_mail": db.session.execute(delete(OutgoingMail).where(
            OutgoingMail.sent_at.is_not(None), OutgoingMail.sent_at < now - SENT_MAIL
        )).rowcount,
        "password_reset_request": db.session.execute(delete(PasswordResetRequest).where(
            PasswordResetRequest.requested_at < now - RESET_REQUESTS)).rowcount,
    }
    from intranet.actions.services import purge_stale_imports

    purge_stale_imports()
    return counts
