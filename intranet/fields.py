"""What every form shares about hostile input: an id is a number a database column holds, a
date lies between 2000 and 2100, and a name stays on one line. Anything else is refused
with a Swedish message on its own field, before any of it reaches the database."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from wtforms import DateField as _DateField
from wtforms import IntegerField
from wtforms.validators import StopValidation, ValidationError

from intranet.urls import MAX_ID

FIRST_DATE = date(2000, 1, 1)
LAST_DATE = date(2100, 12, 31)
DATE_FORMAT_MESSAGE = _l("Skriv datumet som ÅÅÅÅ-MM-DD.")
DATE_RANGE_MESSAGE = _l("Ange ett datum mellan %(first)s och %(last)s.",
                        first=FIRST_DATE.isoformat(), last=LAST_DATE.isoformat())
ID_MESSAGE = _l("Välj i listan.")
ONE_LINE_MESSAGE = _l("Skriv på en rad, utan radbrytningar, tabbar eller andra styrtecken.")


def date_in_range(value: date) -> bool:
    return FIRST_DATE <= value <= LAST_DATE


def parse_date(text: str) -> date:
    """A date written ÅÅÅÅ-MM-DD (a query string's) between FIRST_DATE and LAST_DATE;
    ValueError with the message for the user otherwise."""
    try:
        value = datetime.strptime(text.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(DATE_FORMAT_MESSAGE) from None
    if not date_in_range(value):
        raise ValueError(DATE_RANGE_MESSAGE)
    return value


class DateField(_DateField):
    """A date as ÅÅÅÅ-MM-DD between FIRST_DATE and LAST_DATE: the only date field of the
    forms. A date outside the range is refused with its own message, which no "required"
    validator of the field replaces; what cannot be read as a date gets
    `invalid_value_message`."""

    def __init__(self, label=None, validators=None, invalid_value_message=None, **kwargs):
        render_kw = {"min": FIRST_DATE.isoformat(), "max": LAST_DATE.isoformat(),
                     **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw,
                         invalid_value_message=invalid_value_message or DATE_FORMAT_MESSAGE,
                         **kwargs)
        self.out_of_range = False

    def process_formdata(self, valuelist):
        self.out_of_range = False
        super().process_formdata(valuelist)
        if self.data is not None and not date_in_range(self.data):
            self.data = None
            self.out_of_range = True

    def pre_validate(self, form):
        if self.out_of_range:
            raise StopValidation(DATE_RANGE_MESSAGE)


class IdField(IntegerField):
    """The id of a row chosen in the form (a person in a search's results): a number a
    database column holds, or nothing. Another number is refused, and read as nothing even
    before the form is validated (a search shows the chosen person first)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not 0 < self.data <= MAX_ID:
            self.data = None
            raise ValueError(ID_MESSAGE)


def id_or_none(value) -> int | None:
    """For a select's `coerce`: a number a database column holds, or None."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


class OneLine:
    """A name or title on one line: no line breaks, tabs or other control characters (they
    would break the lines of a letter, an e-mail's header or a CSV file)."""

    def __init__(self, message=None):
        self.message = message or ONE_LINE_MESSAGE

    def __call__(self, form, field):
        if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in field.data or ""):
            raise ValidationError(self.message)
