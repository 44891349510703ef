"""Sensitive actions (appointing, administration) need a recent login: the form carries a
password field (ConfirmPasswordMixin) that is shown when the login is older than the window."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from intranet.auth import throttle
from intranet.auth.services import confirm_password, is_fresh
from intranet.extensions import db


def fresh_enough(form) -> bool:
    """True when the login is fresh, or the form brought the right password. Otherwise the
    form's password field gets a message and the caller re-renders the form (input kept)."""
    if is_fresh(current_user):
        return True
    if not form.confirm_password.data:
        form.confirm_password.errors = [
            _("Bekräfta med ditt lösenord: det var en stund sedan du loggade in.")]
        return False
    # Guessed like a login's password: the same throttle, and a throttled one is not checked.
    wait = throttle.attempt(current_user.email)
    if wait:
        form.confirm_password.errors = [throttle.wait_message(wait)]
        return False
    confirmed = confirm_password(current_user, form.confirm_password.data)
    if confirmed:
        throttle.succeeded(current_user.email)
    else:
        throttle.failed(current_user.email)
    db.session.commit()  # the confirmation (or the failed attempt's audit rows) stands alone
    if confirmed:
        return True
    form.confirm_password.errors = [_("Fel lösenord.")]
    return False
