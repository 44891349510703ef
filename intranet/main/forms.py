from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional


class AccessibilityReportForm(FlaskForm):
    message = TextAreaField(
        _l("Vad fungerar inte?"),
        validators=[DataRequired(_l("Beskriv problemet.")), Length(max=5000)],
    )
    page = StringField(_l("Vilken sida gäller det? (valfritt)"),
                       validators=[Optional(), Length(max=500)])
    contact = EmailField(
        _l("Din e-postadress, om du vill ha svar (valfritt)"),
        validators=[Optional(), Email(_l("Skriv en giltig e-postadress, till exempel "
                                         "namn@kommun.se.")), Length(max=254)],
    )
