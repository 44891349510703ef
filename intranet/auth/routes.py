from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from intranet.auth import bp, throttle
from intranet.auth.forms import ForgotPasswordForm, LoginForm, LogoutForm, SetPasswordForm
from intranet.auth.models import TokenPurpose
from intranet.auth.services import (
    authenticate,
    end_session,
    request_password_reset,
    set_password_with_token,
    start_session,
    valid_token,
)
from intranet.extensions import db, limiter
from intranet.htmx import render
from intranet.org.models import normalise_email
from intranet.urls import safe_next


def _fresh_cookie_session() -> None:
    """Empty the cookie's session (its CSRF token too), keeping the chosen language."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def _log_in(person) -> None:
    """Log the person in on a fresh session: the old cookie's contents go."""
    _fresh_cookie_session()
    start_session(person, ip=request.remote_addr or "",
                  user_agent=request.user_agent.string or "")
    login_user(person)


def _log_out() -> None:
    """Log out: the login session's row is revoked, so a copied cookie no longer works."""
    end_session(current_user._get_current_object())
    logout_user()
    _fresh_cookie_session()


def _account_key() -> str:
    return "login-account:" + normalise_email(request.form.get("email", ""))[:254]


@bp.route("/logga-in", methods=["GET", "POST"])
def login():
    default = url_for("main.index")
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), default), 303)
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    error = None
    status = 200 if request.method == "GET" else 422
    if form.validate_on_submit():
        # Wrong passwords are counted per account and client, per address and per account
        # (auth.throttle); a throttled attempt is not checked at all.
        wait = throttle.attempt(form.email.data)
        if wait:
            error, status = throttle.wait_message(wait), 429
        else:
            person = authenticate(form.email.data, form.password.data)
            if person is not None:
                throttle.succeeded(form.email.data)
                _log_in(person)
                db.session.commit()
                return redirect(safe_next(form.next.data, default), 303)
            throttle.failed(form.email.data)
            db.session.commit()  # the failed attempt's audit row
            error = _("Fel e-postadress eller lösenord.")
    response = render("auth/login.html", form=form, error=error, status=status)
    if status == 429:
        response.headers["Retry-After"] = str(wait)
    return response


@bp.post("/logga-ut")
def logout():
    form = LogoutForm()
    if form.validate_on_submit():
        _log_out()
        db.session.commit()
    return redirect(url_for("auth.login", loggedout=1), 303)


@bp.route("/inbjudan/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """An invitation link: choose a password, then you are logged in."""
    invitation = valid_token(token, TokenPurpose.INVITATION)
    if invitation is None:
        return render("auth/invitation_invalid.html", status=410)
    form = SetPasswordForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            _log_out()
        person = set_password_with_token(invitation, form.password.data)
        throttle.succeeded(person.email)
        _log_in(person)
        db.session.commit()
        flash(_("Välkommen! Ditt lösenord är sparat och du är inloggad."), "success")
        return redirect(url_for("main.index"), 303)
    status = 422 if request.method == "POST" else 200
    return render("auth/invitation.html", form=form, person=invitation.person, status=status)


@bp.route("/glomt-losenord", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"])
@limiter.limit("3 per hour", methods=["POST"], key_func=_account_key)
def forgot_password():
    """Glömt lösenord: the same answer whether or not the address is known."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_password_reset(form.email.data)
        db.session.commit()
        flash(_("Om adressen finns hos oss har vi skickat ett e-postmeddelande med en länk för "
                "att välja nytt lösenord. Länken gäller i en timme."), "info")
        return redirect(url_for("auth.login"), 303)
    status = 422 if request.method == "POST" else 200
    return render("auth/forgot_password.html", form=form, status=status)


@bp.route("/nytt-losenord/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """The link from the mail: choose a new password; every other session ends."""
    reset = valid_token(token, TokenPurpose.PASSWORD_RESET)
    if reset is None:
        return render("auth/invitation_invalid.html", status=410, reset=True)
    form = SetPasswordForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            _log_out()
        person = set_password_with_token(reset, form.password.data)
        throttle.succeeded(person.email)
        _log_in(person)
        db.session.commit()
        flash(_("Ditt nya lösenord är sparat. Du är inloggad, och alla andra inloggningar "
                "är avslutade."), "success")
        return redirect(url_for("main.index"), 303)
    status = 422 if request.method == "POST" else 200
    return render("auth/reset_password.html", form=form, person=reset.person, status=status)
