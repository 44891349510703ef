"""Forms for consultation responses; labels and messages in Swedish."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from intranet.consultations.models import ResponseStatus
from intranet.fields import DateField, OneLine, id_or_none

SECTION_LIMIT = 100_000

ANSWER_CHOICES = [
    SelectChoice(ResponseStatus.DRAFT.value, _l("Ett gemensamt svar från kommunerna")),
    SelectChoice(ResponseStatus.INDIVIDUAL.value,
                 _l("Varje kommun svarar själv (remissvaret följs bara upp här)")),
    SelectChoice(ResponseStatus.NOT_ANSWERING.value, _l("Inget svar")),
]
CREATE_ANSWER_CHOICES = [
    SelectChoice(ResponseStatus.TRIAGE.value, _l("Inte bestämt än")),
    *ANSWER_CHOICES,
]


def _optional_int(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DetailsForm(FlaskForm):
    title = StringField(
        _l("Remissens titel"),
        validators=[DataRequired(_l("Skriv remissens titel.")),
                    Length(max=300, message=_l("Högst 300 tecken."))],
    )
    referring_body = StringField(
        _l("Remissinstans (avsändare)"),
        validators=[DataRequired(_l("Skriv vem som har skickat remissen.")),
                    Length(max=200, message=_l("Högst 200 tecken."))],
    )
    reference_number = StringField(
        _l("Avsändarens diarienummer"),
        validators=[Optional(), Length(max=100, message=_l("Högst 100 tecken."))],
    )
    received_on = DateField(
        _l("Remissen kom in"), validators=[Optional()],
        invalid_value_message=_l("Skriv datumet som ÅÅÅÅ-MM-DD."),
    )
    deadline = DateField(
        _l("Sista svarsdag"),
        validators=[InputRequired(_l("Skriv sista svarsdag som ÅÅÅÅ-MM-DD."))],
        invalid_value_message=_l("Skriv datumet som ÅÅÅÅ-MM-DD."),
    )
    contact_person_id = SelectField(_l("Kontaktperson"), coerce=_optional_int,
                                    validate_choice=False)
    referral_links = TextAreaField(
        _l("Länkar till remisshandlingarna"),
        validators=[Optional(), Length(max=5000, message=_l("Högst 5 000 tecken."))],
    )
    document_ids = CheckboxList(_l("Remisshandlingar bland nätverkets dokument"), coerce=int,
                                validate_choice=False)
    version = HiddenField()

    def __init__(self, *args, people=(), documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.contact_person_id.choices = [SelectChoice("", _l("Ingen vald"))] + [
            SelectChoice(str(p.id), p.name) for p in people]
        self.document_ids.choices = [SelectChoice(d.id, d.title) for d in documents]


class TriageFieldsMixin:
    """The reason for not answering, and the report's parts a joint answer comments on."""

    reason = TextAreaField(
        _l("Varför svarar kommunerna inte?"),
        validators=[Optional(), Length(max=2000, message=_l("Högst 2 000 tecken."))],
    )
    report_parts = TextAreaField(
        _l("Rapportens avsnitt att lämna synpunkter på"),
        validators=[Optional(), Length(max=3000, message=_l("Högst 3 000 tecken."))],
    )


class RegistrationMixin:
    """Shown when the referral looks like one already registered (the duplicate warning)."""

    register_anyway = BooleanField(_l("Registrera ändå: det är en annan remiss"))


class NewResponseForm(RegistrationMixin, TriageFieldsMixin, DetailsForm):
    answer = RadioField(
        _l("Hur svarar kommunerna?"), choices=CREATE_ANSWER_CHOICES,
        default=ResponseStatus.TRIAGE.value,
        validators=[InputRequired(_l("Välj hur kommunerna svarar."))],
    )


class RegisterReferralForm(RegistrationMixin, DetailsForm):
    """A referral registered by the secretariat from the responses board: the network that
    answers is chosen here; the network picks its contact person and decides how the
    municipalities answer."""

    network_id = SelectField(
        _l("Nätverk som ska svara"), coerce=_optional_int, validate_choice=False,
        validators=[DataRequired(_l("Välj vilket nätverk som ska svara på remissen."))],
    )

    def __init__(self, *args, networks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.network_id.choices = [SelectChoice("", _l("Välj nätverk"))] + [
            SelectChoice(str(n.id), n.name) for n in networks]


class MoveResponseForm(FlaskForm):
    """The secretariat moves a referral to another network before work on it has begun."""

    target_network_id = SelectField(
        _l("Flytta till nätverket"), coerce=_optional_int, validate_choice=False,
        validators=[DataRequired(_l("Välj nätverket som remissen ska flyttas till."))],
    )

    def __init__(self, *args, networks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.target_network_id.choices = [SelectChoice("", _l("Välj nätverk"))] + [
            SelectChoice(str(n.id), n.name) for n in networks]


class TriageForm(TriageFieldsMixin, FlaskForm):
    answer = RadioField(
        _l("Hur svarar kommunerna?"), choices=ANSWER_CHOICES,
        validators=[InputRequired(_l("Välj hur kommunerna svarar."))],
    )


class SectionForm(FlaskForm):
    title = StringField(
        _l("Rubrik"),
        validators=[DataRequired(_l("Skriv en rubrik för avsnittet.")),
                    Length(max=200, message=_l("Högst 200 tecken."))],
    )
    body = TextAreaField(
        _l("Text"),
        validators=[Length(max=SECTION_LIMIT,
                           message=_l("Texten är för lång (högst 100 000 tecken)."))],
    )
    version = HiddenField()
    # The revision the editor started from: a conflict shows what each side changed in it.
    base = HiddenField()


class NewSectionForm(FlaskForm):
    title = StringField(
        _l("Rubrik för ett nytt avsnitt"),
        validators=[DataRequired(_l("Skriv en rubrik för avsnittet.")),
                    Length(max=200, message=_l("Högst 200 tecken."))],
    )


class MoveForm(FlaskForm):
    direction = HiddenField()


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Kommentar"),
        validators=[DataRequired(_l("Skriv en kommentar.")),
                    Length(max=5000, message=_l("Högst 5 000 tecken."))],
    )
    parent_id = HiddenField()


class SnapshotForm(FlaskForm):
    name = StringField(
        _l("Namn på versionen"),
        validators=[DataRequired(_l("Ge versionen ett namn.")),
                    Length(max=200, message=_l("Högst 200 tecken."))],
    )


class ButtonForm(FlaskForm):
    """A button-only POST (remove, resolve)."""


# ---------------------------------------------------------------- the review path

DATE_MESSAGE = _l("Skriv datumet som ÅÅÅÅ-MM-DD.")


class ManagementDecisionForm(FlaskForm):
    mg_decision = RadioField(
        _l("Ledningsgruppens beslut"),
        choices=[SelectChoice("forward", _l("Skicka vidare till samarbetskommittén")),
                 SelectChoice("return", _l("Återremittera till nätverket"))],
        validators=[InputRequired(_l("Välj ledningsgruppens beslut."))],
    )
    mg_meeting_on = DateField(_l("Beslutsdatum"), validators=[Optional()],
                              invalid_value_message=DATE_MESSAGE)
    mg_reason = TextAreaField(
        _l("Skäl eller synpunkter till nätverket"),
        validators=[Optional(), Length(max=5000, message=_l("Högst 5 000 tecken."))],
    )


class CommitteeDecisionForm(FlaskForm):
    decision = RadioField(
        _l("Samarbetskommitténs beslut"),
        choices=[SelectChoice("adopt", _l("Anta svaret")),
                 SelectChoice("adopt_changes", _l("Anta med ändringar")),
                 SelectChoice("return", _l("Återremittera till nätverket"))],
        validators=[InputRequired(_l("Välj kommitténs beslut."))],
    )
    meeting_on = DateField(_l("Beslutsdatum"),
                           validators=[InputRequired(_l("Skriv mötets datum som ÅÅÅÅ-MM-DD."))],
                           invalid_value_message=DATE_MESSAGE)
    reason = TextAreaField(
        _l("Skäl för återremiss, eller anteckning till beslutet"),
        validators=[Optional(), Length(max=5000, message=_l("Högst 5 000 tecken."))],
    )
    presenter_name = StringField(
        _l("Föredragande"),
        validators=[Optional(), Length(max=200, message=_l("Högst 200 tecken.")), OneLine()],
    )
    presenter_title = StringField(
        _l("Föredragandes titel"),
        validators=[Optional(), Length(max=200, message=_l("Högst 200 tecken.")), OneLine()],
    )
    adopt_anyway = BooleanField(_l("Anta svaret fast alla kommuner inte har tagit ställning"))
    section_ids: tuple[int, ...] = ()

    def text_fields(self) -> list:
        """The text box of each section, for the wording the committee changed."""
        return [getattr(self, f"text_{section_id}") for section_id in self.section_ids]

    def texts(self) -> dict[int, str]:
        """Each section's text as the form has it, by section id."""
        return {section_id: getattr(self, f"text_{section_id}").data or ""
                for section_id in self.section_ids}


def committee_decision_form(sections, **kwargs) -> CommitteeDecisionForm:
    """The committee's decision form with a text box for each of the response's sections,
    starting with its text as saved: "Anta med ändringar" saves the wording the committee
    changed at the meeting."""

    class WithTexts(CommitteeDecisionForm):
        pass

    for section in sections:
        setattr(WithTexts, f"text_{section.id}", TextAreaField(
            section.title, default=section.body,
            validators=[Optional(), Length(max=SECTION_LIMIT, message=_l(
                "Texten är för lång (högst 100 000 tecken)."))]))
    WithTexts.section_ids = tuple(section.id for section in sections)
    return WithTexts(**kwargs)


class SentForm(FlaskForm):
    sent_on = DateField(_l("Skickat den"),
                        validators=[InputRequired(_l("Skriv datumet som ÅÅÅÅ-MM-DD."))],
                        invalid_value_message=DATE_MESSAGE)
    sent_to = StringField(
        _l("Skickat till"),
        validators=[DataRequired(_l("Skriv vart svaret skickades.")),
                    Length(max=300, message=_l("Högst 300 tecken."))],
    )


class ExtensionForm(FlaskForm):
    new_deadline = DateField(_l("Nytt svarsdatum"),
                             validators=[InputRequired(_l("Skriv det nya svarsdatumet som "
                                                          "ÅÅÅÅ-MM-DD."))],
                             invalid_value_message=DATE_MESSAGE)
    extension_reason = TextAreaField(
        _l("Skäl och vem som beviljade anståndet"),
        validators=[DataRequired(_l("Skriv varför svarsdatumet flyttas.")),
                    Length(max=2000, message=_l("Högst 2 000 tecken."))],
    )


STANCE_CHOICES = [
    SelectChoice("behind", _l("Står bakom svaret")),
    SelectChoice("reservation", _l("Står bakom svaret med en reservation")),
    SelectChoice("against", _l("Står inte bakom svaret")),
]


class PositionForm(FlaskForm):
    stance = RadioField(_l("Kommunens ställningstagande"), choices=STANCE_CHOICES,
                        validators=[InputRequired(_l("Välj kommunens ställningstagande."))])
    statement = TextAreaField(
        _l("Reservation eller skäl"),
        validators=[Optional(), Length(max=10000, message=_l("Högst 10 000 tecken."))],
    )
    decision_reference = StringField(
        _l("Kommunens eget beslut (frivilligt)"),
        validators=[Optional(), Length(max=200, message=_l("Högst 200 tecken."))],
    )
    version = HiddenField()


class OnBehalfPositionForm(PositionForm):
    """The secretariat records a municipality's position for it, from what the
    municipality said elsewhere (an e-mail, say). `versions` holds the version of each
    position shown when the form was opened ("municipality id:version" pairs), so a
    position changed since is not overwritten unseen."""

    municipality_id = SelectField(_l("Kommun"), coerce=id_or_none, validate_choice=False,
                                  validators=[DataRequired(_l("Välj kommunen."))])
    source = StringField(
        _l("Underlag"),
        validators=[DataRequired(_l("Skriv vad ställningstagandet bygger på.")),
                    Length(max=300, message=_l("Högst 300 tecken.")), OneLine()],
    )
    versions = HiddenField()

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, prefix="behalf", **kwargs)
        self.municipality_id.choices = [SelectChoice("", _l("Välj kommun"))] + [
            SelectChoice(str(row.municipality.id), _l(
                "%(municipality)s (har tagit ställning)", municipality=row.municipality.name)
                if row.position else _l("%(municipality)s (har inte tagit ställning)",
                                        municipality=row.municipality.name))
            for row in rows]

    def set_versions(self, rows) -> None:
        """Remembers the version of each position as shown now."""
        self.versions.data = ",".join(f"{row.municipality.id}:{row.position.lock_version}"
                                      for row in rows if row.position)

    def version_for(self, municipality_id: int) -> int | None:
        """The version of the municipality's position when the form was opened; None when
        it had none."""
        for pair in (self.versions.data or "").split(","):
            key, _, value = pair.partition(":")
            if key.strip() == str(municipality_id):
                try:
                    return int(value)
                except ValueError:
                    return None
        return None
