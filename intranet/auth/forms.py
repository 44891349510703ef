from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from intranet.auth.passwords import MIN_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-postadress"),
        validators=[
            DataRequired(_l("Skriv din e-postadress.")),
            Email(_l("Skriv en giltig e-postadress, till exempel namn@kommun.se.")),
            Length(max=254),
        ],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Lösenord"),
        validators=[DataRequired(_l("Skriv ditt lösenord.")), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    next = StringField()


class LogoutForm(FlaskForm):
    """A button-only form: logging out is a POST with a CSRF token."""


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("E-postadress"),
        validators=[DataRequired(_l("Skriv din e-postadress.")),
                    Email(_l("Skriv en giltig e-postadress, till exempel namn@kommun.se.")),
                    Length(max=254)],
        render_kw={"autocomplete": "username"},
    )


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Nytt lösenord"),
        validators=[
            DataRequired(_l("Välj ett lösenord.")),
            Length(min=MIN_LENGTH, max=1024,
                   message=_l("Lösenordet måste ha minst %(min)d tecken.", min=MIN_LENGTH)),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    password_again = PasswordField(
        _l("Samma lösenord igen"),
        validators=[DataRequired(_l("Skriv lösenordet en gång till.")),
                    EqualTo("password", _l("Lösenorden är inte likadana."))],
        render_kw={"autocomplete": "new-password"},
    )


class ConfirmPasswordMixin:
    """Sensitive actions: the password again when the login is older than the window."""

    confirm_password = PasswordField(_l("Ditt lösenord"), validators=[Optional()],
                                     render_kw={"autocomplete": "current-password"})
