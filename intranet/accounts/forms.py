from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from intranet.auth.passwords import MIN_LENGTH
from intranet.fields import OneLine

LANGUAGE_CHOICES = [SelectChoice("sv", "Svenska"), SelectChoice("en", "English")]


class ProfileForm(FlaskForm):
    name = StringField(_l("Namn"), validators=[DataRequired(_l("Skriv ditt namn.")),
                                                Length(max=200), OneLine()],
                       render_kw={"autocomplete": "name"})
    title = StringField(_l("Titel"), validators=[Optional(), Length(max=200), OneLine()],
                        render_kw={"autocomplete": "organization-title"})
    phone = StringField(_l("Telefon"), validators=[Optional(), Length(max=60), OneLine()],
                        render_kw={"autocomplete": "tel", "inputmode": "tel"})
    language = SelectField(_l("Språk i gränssnitt och e-post"), choices=LANGUAGE_CHOICES)


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Nuvarande lösenord"), validators=[DataRequired(_l("Skriv ditt nuvarande lösenord."))],
        render_kw={"autocomplete": "current-password"})
    password = PasswordField(
        _l("Nytt lösenord"),
        validators=[DataRequired(_l("Välj ett lösenord.")),
                    Length(min=MIN_LENGTH, max=1024,
                           message=_l("Lösenordet måste ha minst %(min)d tecken.",
                                      min=MIN_LENGTH))],
        render_kw={"autocomplete": "new-password"})
    password_again = PasswordField(
        _l("Samma lösenord igen"),
        validators=[DataRequired(_l("Skriv lösenordet en gång till.")),
                    EqualTo("password", _l("Lösenorden är inte likadana."))],
        render_kw={"autocomplete": "new-password"})
