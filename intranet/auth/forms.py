from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length


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
