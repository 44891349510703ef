from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from intranet import clock
from intranet.appointments.forms import MultiCheckboxField
from intranet.auth.forms import ConfirmPasswordMixin
from intranet.fields import DateField, IdField, OneLine


class PersonForm(ConfirmPasswordMixin, FlaskForm):
    name = StringField(_l("Namn"), validators=[DataRequired(_l("Skriv personens namn.")),
                                                Length(max=200), OneLine()])
    email = EmailField(_l("E-postadress"), validators=[
        DataRequired(_l("Skriv personens e-postadress.")),
        Email(_l("Skriv en giltig e-postadress, till exempel namn@kommun.se.")),
        Length(max=254)])
    title = StringField(_l("Titel"), validators=[Optional(), Length(max=200), OneLine()])
    phone = StringField(_l("Telefon"), validators=[Optional(), Length(max=60), OneLine()])
    municipality_id = SelectField(_l("Kommun"), coerce=int)


class NewPersonForm(PersonForm):
    invite = BooleanField(_l("Skicka en inbjudan med länk för att välja lösenord"),
                          default=True)


class ConfirmForm(ConfirmPasswordMixin, FlaskForm):
    """A button that changes something sensitive, with the password when the login is old."""


class SeatForm(ConfirmPasswordMixin, FlaskForm):
    person_id = IdField(_l("Person"), validators=[DataRequired(_l("Välj en person."))])
    municipality_id = SelectField(_l("Kommun"), coerce=int)
    officer = SelectField(_l("Uppdrag i organet"))
    seat_title = StringField(_l("Titel i organet"),
                             validators=[Optional(), Length(max=200), OneLine()])
    from_date = DateField(_l("Från och med"), default=clock.today,
                          validators=[DataRequired(_l("Ange ett datum (ÅÅÅÅ-MM-DD)."))])


class EndSeatForm(ConfirmPasswordMixin, FlaskForm):
    to_date = DateField(_l("Upphör från och med"), default=clock.today,
                        validators=[DataRequired(_l("Ange ett datum (ÅÅÅÅ-MM-DD)."))])


class NewNetworkForm(ConfirmPasswordMixin, FlaskForm):
    name = StringField(_l("Namn"), validators=[DataRequired(_l("Skriv nätverkets namn.")),
                                                Length(max=200)])
    short_name = StringField(_l("Kortnamn"), validators=[
        DataRequired(_l("Skriv ett kortnamn.")), Length(max=60)])
    description = TextAreaField(_l("Beskrivning"), validators=[Optional(), Length(max=5000)])
    focus_areas = MultiCheckboxField(_l("Fokusområden"), coerce=int)
