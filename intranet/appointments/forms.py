from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from intranet import clock
from intranet.auth.forms import ConfirmPasswordMixin
from intranet.fields import DateField, IdField, OneLine


class PersonChoiceMixin:
    """Either an existing person of the municipality, or a new one."""

    person_id = IdField(validators=[Optional()])
    name = StringField(_l("Namn"), validators=[Optional(), Length(max=200), OneLine()])
    email = EmailField(_l("E-postadress"), validators=[
        Optional(), Email(_l("Skriv en giltig e-postadress, till exempel namn@kommun.se.")),
        Length(max=254)])
    title = StringField(_l("Titel"), validators=[Optional(), Length(max=200), OneLine()])

    def validate(self, extra_validators=None) -> bool:
        # Cross-field rules: the fields are each optional, so per-field validators never run
        # on an empty field.
        ok = super().validate(extra_validators)
        new = any([self.name.data, self.email.data, self.title.data])
        if self.person_id.data and new:
            self.person_id.errors = [*self.person_id.errors, _l(
                "Välj antingen en befintlig person eller fyll i en ny, inte båda.")]
            return False
        if not self.person_id.data and not new:
            self.person_id.errors = [*self.person_id.errors, _l(
                "Välj en person i listan eller fyll i en ny person.")]
            return False
        if new and not self.name.data:
            self.name.errors = [*self.name.errors, _l("Skriv den nya personens namn.")]
            ok = False
        if new and not self.email.data:
            self.email.errors = [*self.email.errors, _l("Skriv den nya personens e-postadress.")]
            ok = False
        return ok


def _today():
    return clock.today()


class AppointForm(PersonChoiceMixin, ConfirmPasswordMixin, FlaskForm):
    from_date = DateField(_l("Från och med"), default=_today,
                          validators=[DataRequired(_l("Ange ett datum (ÅÅÅÅ-MM-DD)."))])
    to_date = DateField(_l("Slutdatum (mandattid), om det finns"), validators=[Optional()])
    note = TextAreaField(_l("Anteckning"), validators=[Optional(), Length(max=2000)])


class ReplaceForm(PersonChoiceMixin, ConfirmPasswordMixin, FlaskForm):
    on_date = DateField(_l("Bytet sker"), default=_today,
                        validators=[DataRequired(_l("Ange ett datum (ÅÅÅÅ-MM-DD)."))])
    note = TextAreaField(_l("Anteckning"), validators=[Optional(), Length(max=2000)])


class EndForm(ConfirmPasswordMixin, FlaskForm):
    to_date = DateField(_l("Upphör från och med"), default=_today,
                        validators=[DataRequired(_l("Ange ett datum (ÅÅÅÅ-MM-DD)."))])
    reason = TextAreaField(_l("Anledning (valfri)"), validators=[Optional(), Length(max=2000)])


class ConvenerForm(ConfirmPasswordMixin, FlaskForm):
    appointment_id = SelectField(_l("Sammankallande"), coerce=int,
                                 validators=[DataRequired(_l("Välj en ledamot."))])


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class NetworkForm(ConfirmPasswordMixin, FlaskForm):
    name = StringField(_l("Namn"), validators=[DataRequired(_l("Skriv nätverkets namn.")),
                                                Length(max=200)])
    short_name = StringField(_l("Kortnamn"), validators=[
        DataRequired(_l("Skriv ett kortnamn.")), Length(max=60)])
    description = TextAreaField(_l("Beskrivning"), validators=[Optional(), Length(max=5000)])
    focus_areas = MultiCheckboxField(_l("Fokusområden"), coerce=int)
