from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from intranet.auth.forms import ConfirmPasswordMixin
from intranet.editing.fields import VersionField
from intranet.fields import DateField
from intranet.meetings.models import PLACE_LENGTH, TIME_LENGTH

NOTE_LENGTH = 2000


class MeetingForm(ConfirmPasswordMixin, FlaskForm):
    held_on = DateField(_l("Datum"), validators=[
        InputRequired(_l("Ange mötets datum (ÅÅÅÅ-MM-DD)."))],
        invalid_value_message=_l("Skriv ett giltigt datum som ÅÅÅÅ-MM-DD, till exempel "
                                 "2026-12-03."))
    time_text = StringField(_l("Tid"), validators=[
        Optional(), Length(max=TIME_LENGTH, message=_l("Högst %(max)d tecken."))])
    place = StringField(_l("Plats"), validators=[
        Optional(), Length(max=PLACE_LENGTH, message=_l("Högst %(max)d tecken."))])
    note = TextAreaField(_l("Anteckning"), validators=[
        Optional(), Length(max=NOTE_LENGTH, message=_l("Högst %(max)d tecken."))],
        render_kw={"rows": 3})


class NewMeetingForm(MeetingForm):
    body_kind = SelectField(_l("Organ"), validators=[InputRequired(_l("Välj ett organ."))])


class EditMeetingForm(MeetingForm):
    version = VersionField(validators=[Optional()])


class RemoveMeetingForm(ConfirmPasswordMixin, FlaskForm):
    """The confirmation to remove a meeting, with the password when the login is old."""
