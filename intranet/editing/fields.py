"""The hidden fields an edit form carries so that a save can tell what the person started
from: the version read, and, for values without a history (an action row's fields), the
values read. What comes back is only ever shown to the person who sent it, as text."""

from __future__ import annotations

import json

from wtforms import Field, IntegerField
from wtforms.widgets import HiddenInput

# More than every editable field of a row at its longest; anything longer was not sent by
# the form and is ignored.
MAX_STARTED_FROM = 100_000


class VersionField(IntegerField):
    """The version the person started from, round-tripped in every edit form."""

    widget = HiddenInput()


class StartedFromField(Field):
    """The values the person started from, {field name: value as text}, round-tripped as
    JSON. A value that is missing, too long or not such a mapping reads as None (not
    known): the conflict then shows two values instead of three."""

    widget = HiddenInput()

    def _value(self) -> str:
        return json.dumps(self.data, ensure_ascii=False, sort_keys=True) if self.data else ""

    def process_formdata(self, valuelist) -> None:
        self.data = parse_started_from(valuelist[0] if valuelist else "")


def parse_started_from(raw: str) -> dict[str, str] | None:
    if not raw or len(raw) > MAX_STARTED_FROM:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    return {name: text for name, text in value.items()
            if isinstance(name, str) and isinstance(text, str)} or None
