"""Forms for documents; labels and messages in Swedish."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from intranet.documents.models import Visibility

VISIBILITY_CHOICES = [
    SelectChoice(Visibility.NETWORK.value, _l("Bara nätverket (ledamöter och kansliet)")),
    SelectChoice(Visibility.EVERYONE.value, _l("Alla inloggade i samarbetet")),
]
PAGE_LIMIT = 200_000


def _has_files(form, field):
    if not [f for f in (field.data or []) if getattr(f, "filename", "")]:
        raise ValidationError(_l("Välj minst en fil att ladda upp."))


def _has_file(form, field):
    if not getattr(field.data, "filename", ""):
        raise ValidationError(_l("Välj filen med den nya versionen."))


class _Details:
    """The fields every document has."""

    tags = StringField(
        _l("Etiketter"),
        validators=[Optional(), Length(max=400, message=_l("Högst 400 tecken."))],
    )
    visibility = RadioField(
        _l("Vem får se dokumentet?"), choices=VISIBILITY_CHOICES,
        default=Visibility.NETWORK.value,
        validators=[InputRequired(_l("Välj vem som får se dokumentet."))],
    )


class UploadForm(_Details, FlaskForm):
    files = MultipleFileField(_l("Filer"), validators=[_has_files])
    title = StringField(
        _l("Titel"),
        validators=[Optional(), Length(max=200, message=_l("Högst 200 tecken."))],
    )
    description = TextAreaField(
        _l("Beskrivning"),
        validators=[Optional(), Length(max=5000, message=_l("Högst 5 000 tecken."))],
    )


class NewVersionForm(FlaskForm):
    file = FileField(_l("Fil med den nya versionen"), validators=[_has_file])
    note = TextAreaField(
        _l("Vad har ändrats?"),
        validators=[Optional(), Length(max=2000, message=_l("Högst 2 000 tecken."))],
    )


class DetailsForm(_Details, FlaskForm):
    title = StringField(
        _l("Titel"),
        validators=[DataRequired(_l("Skriv en titel.")),
                    Length(max=200, message=_l("Högst 200 tecken."))],
    )
    description = TextAreaField(
        _l("Beskrivning"),
        validators=[Optional(), Length(max=5000, message=_l("Högst 5 000 tecken."))],
    )
    version = HiddenField()


class PageForm(_Details, FlaskForm):
    title = StringField(
        _l("Rubrik"),
        validators=[DataRequired(_l("Skriv en rubrik.")),
                    Length(max=200, message=_l("Högst 200 tecken."))],
    )
    body = TextAreaField(
        _l("Text"),
        validators=[Length(max=PAGE_LIMIT, message=_l("Texten är för lång (högst 200 000 "
                                                      "tecken)."))],
    )
    note = StringField(
        _l("Kort om ändringen"),
        validators=[Optional(), Length(max=300, message=_l("Högst 300 tecken."))],
    )
    version = HiddenField()
    # The revision the editor started from: a conflict shows what each side changed in it.
    base = HiddenField()


class RestoreForm(FlaskForm):
    """The confirmation of restoring an old version: carries the document's version as it
    was shown, so that a save in between is noticed instead of overwritten."""

    note = StringField(
        _l("Varför återställs versionen?"),
        validators=[Optional(), Length(max=300, message=_l("Högst 300 tecken."))],
    )
    version = HiddenField()


class ButtonForm(FlaskForm):
    """A button-only POST (delete, restore, empty the trash)."""


class EmptyTrashForm(FlaskForm):
    confirm = BooleanField(
        _l("Jag förstår att dokumenten tas bort för gott"),
        validators=[DataRequired(_l("Kryssa i rutan för att bekräfta."))],
    )
