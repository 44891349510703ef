"""The three-way comparison of values that have no history (an action row's fields): the
value both saves started from (carried by the form, see fields.StartedFromField), the value
saved meanwhile and the editor's. Like the text merge: what only the other person changed
is taken over into the form, what only the editor changed stays theirs, and only what both
changed, differently, is a choice the editor must make."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from intranet.editing.conflict import normalise_text

# How a field's two saves relate.
BOTH = "both"  # both changed it, to different values: the editor chooses
THEIRS = "theirs"  # only the other person changed it: the form takes the saved value
UNKNOWN = "unknown"  # where the editor started is not known: the saved value and theirs


@dataclass(frozen=True)
class ValueChange:
    """One field whose saved value differs from the editor's. The texts are as compared
    (see `compare_values`); a caller makes them readable for the page."""

    name: str
    kind: str  # BOTH, THEIRS or UNKNOWN
    base: str | None  # the value both started from (None: not known)
    saved: str
    mine: str


def compare_values(base: Mapping[str, str] | None, saved: Mapping[str, str],
                   mine: Mapping[str, str]) -> list[ValueChange]:
    """The fields of `mine` (in its order) whose saved value is not the editor's, and how:
    a field only the editor changed is not listed (saving it loses nothing)."""
    changes = []
    for name, value in mine.items():
        # Line breaks as stored (a textarea sends CR LF, a row saved before may hold them).
        value = normalise_text(value)
        current = normalise_text(saved.get(name, ""))
        if current == value:
            continue
        started = base.get(name) if base is not None else None
        started = normalise_text(started) if started is not None else None
        if started is None:
            changes.append(ValueChange(name, UNKNOWN, None, current, value))
        elif value == started:
            changes.append(ValueChange(name, THEIRS, started, current, value))
        elif current != started:
            changes.append(ValueChange(name, BOTH, started, current, value))
    return changes
