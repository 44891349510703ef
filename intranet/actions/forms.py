from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from intranet.actions.importer import LIMITS
from intranet.actions.models import STATUS_ORDER
from intranet.editing import normalise_text
from intranet.editing.fields import StartedFromField, VersionField
from intranet.fields import DateField, id_or_none


def status_choices():
    from intranet.actions.services import STATUS_LABELS

    return [(str(s), STATUS_LABELS[s]) for s in STATUS_ORDER]


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes (easier to use than a multiple select)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _activity():
    return TextAreaField(_l("Aktivitet"), validators=[
        DataRequired(_l("Skriv vad som ska göras.")),
        Length(max=LIMITS["activity"],
               message=_l("Högst %(max)d tecken.")),
    ], filters=[normalise_text], render_kw={"rows": 3})


def _text(label, limit):
    return StringField(label, validators=[
        Optional(), Length(max=limit, message=_l("Högst %(max)d tecken."))])


def _comment():
    return TextAreaField(_l("Kommentar"), validators=[
        Optional(), Length(max=LIMITS["comment"], message=_l("Högst %(max)d tecken."))],
        filters=[normalise_text], render_kw={"rows": 5})


def _due_date():
    return DateField(_l("Förfallodatum"), validators=[Optional()],
                     render_kw={"autocomplete": "off"})


def _status():
    return SelectField(_l("Status"), choices=status_choices,
                       validators=[InputRequired(_l("Välj en status."))])


class ActionItemForm(FlaskForm):
    """A whole row. The network comes from the URL; nothing else a post carries is read."""

    sub_goal_id = SelectField(_l("Fokusområde och delmål"), coerce=int,
                              validators=[InputRequired(_l("Välj ett delmål."))])
    activity = _activity()
    responsible = _text(_l("Ansvarig"), LIMITS["responsible"])
    network_ids = CheckboxesField(_l("Ansvariga nätverk"), coerce=int, validate_choice=True)
    municipality_ids = CheckboxesField(_l("Ansvariga kommuner"), coerce=int,
                                       validate_choice=True)
    cost = _text(_l("Kostnad"), LIMITS["cost"])
    time_text = _text(_l("Tid"), LIMITS["time_text"])
    due_date = _due_date()
    comment = _comment()
    status = _status()
    version = VersionField(validators=[Optional()])
    started_from = StartedFromField()

    def set_choices(self, areas, networks, municipalities) -> None:
        # Grouped by focus area: the select shows each area's sub-goals under its name.
        self.sub_goal_id.choices = {
            area.name: [(goal.id, goal.text) for goal in area.sub_goals] for area in areas
        }
        self.network_ids.choices = [(n.id, n.name) for n in networks]
        self.municipality_ids.choices = [(m.id, m.name) for m in municipalities]

    def data_for_item(self) -> dict:
        return {
            "sub_goal_id": self.sub_goal_id.data,
            "activity": self.activity.data or "",
            "responsible": self.responsible.data or "",
            "network_ids": self.network_ids.data or [],
            "municipality_ids": self.municipality_ids.data or [],
            "cost": self.cost.data or "",
            "time_text": self.time_text.data or "",
            "due_date": self.due_date.data,
            "comment": self.comment.data or "",
            "status": self.status.data,
        }


# The cells that are edited in place: URL name → (attribute, form field).
CELLS = {
    "aktivitet": ("activity", _activity),
    "ansvarig": ("responsible", lambda: _text(_l("Ansvarig"), LIMITS["responsible"])),
    "kostnad": ("cost", lambda: _text(_l("Kostnad"), LIMITS["cost"])),
    "tid": ("time_text", lambda: _text(_l("Tid"), LIMITS["time_text"])),
    "datum": ("due_date", _due_date),
    "kommentar": ("comment", _comment),
    "status": ("status", _status),
}


def _cell_form_class(factory):
    class CellForm(FlaskForm):
        value = factory()
        version = VersionField(validators=[InputRequired()])
        started_from = StartedFromField()

    return CellForm


CELL_FORMS = {name: _cell_form_class(factory) for name, (_attr, factory) in CELLS.items()}


class ImportForm(FlaskForm):
    file = FileField(_l("Fil (CSV eller Excel .xlsx)"),
                     validators=[FileRequired(_l("Välj en fil att importera."))])


class PlanImportForm(ImportForm):
    """The combined plan's file: each row goes to the network its "Ansvarig" names, the
    others to the network chosen here."""

    default_network_id = SelectField(
        _l("Nätverk för rader som inte nämner något nätverk"), coerce=id_or_none,
        validators=[DataRequired(_l("Välj ett nätverk för raderna som inte nämner något "
                                    "nätverk."))])

    def set_choices(self, networks) -> None:
        self.default_network_id.choices = [("", _l("Välj nätverk"))] + [
            (n.id, n.name) for n in networks]


class ImportConfirmForm(FlaskForm):
    """The rows of a waiting import to write, by their row numbers in the file."""

    rows = SelectMultipleField(coerce=int, validate_choice=False)


class UndoImportForm(FlaskForm):
    """Undo a batch. `seen` names the rows edited since the import that the person was
    shown when asked; `back` where to go after (the list or the imports)."""

    seen = HiddenField()
    back = HiddenField()

    def seen_ids(self) -> set[int]:
        return {int(part) for part in (self.seen.data or "").split(",")
                if part.strip().isascii() and part.strip().isdigit()}


class RestoreImportForm(FlaskForm):
    """Take an undone batch's undo back; `back` where to go after (the removed rows or the
    imports)."""

    back = HiddenField()


class ButtonForm(FlaskForm):
    """A button-only POST (move, delete, restore, confirm): the CSRF token and nothing else."""


class MoveForm(FlaskForm):
    direction = HiddenField(validators=[DataRequired()])
