"""Counts in words: a number and what it counts, in the form the number needs in the reader's
language ("1 rad", "3 rader"; "1 dokument", "2 dokument"; "1 planerad", "11 planerade"). A
count the app writes is `count(n, what)` or an ngettext sentence of its own, never a number
set before a word that does not follow it ("11 planerad")."""

from __future__ import annotations

from collections.abc import Callable

from intranet.i18n import ngettext
from intranet.states import ActionStatus

# Each word is its own ngettext call, so that the texts are found when the catalogue is
# extracted. An action row's status counts the rows: the adjective agrees with "rader".
WORDS: dict[str, Callable[[int], str]] = {
    "row": lambda n: ngettext("%(num)s rad", "%(num)s rader", n),
    "document": lambda n: ngettext("%(num)s dokument", "%(num)s dokument", n),
    "byte": lambda n: ngettext("%(num)s byte", "%(num)s byte", n),
    "municipality": lambda n: ngettext("%(num)s kommun", "%(num)s kommuner", n),
    "member": lambda n: ngettext("%(num)s ledamot", "%(num)s ledamöter", n),
    "hit": lambda n: ngettext("%(num)s träff", "%(num)s träffar", n),
    "day": lambda n: ngettext("%(num)s dag", "%(num)s dagar", n),
    "minute": lambda n: ngettext("%(num)s minut", "%(num)s minuter", n),
    "overdue": lambda n: ngettext("%(num)s försenad", "%(num)s försenade", n),
    ActionStatus.PLANNED: lambda n: ngettext("%(num)s planerad", "%(num)s planerade", n),
    ActionStatus.IN_PROGRESS: lambda n: ngettext("%(num)s pågående", "%(num)s pågående", n),
    ActionStatus.DONE: lambda n: ngettext("%(num)s klar", "%(num)s klara", n),
    ActionStatus.PAUSED: lambda n: ngettext("%(num)s pausad", "%(num)s pausade", n),
}


def count(n: int, what: str) -> str:
    """`n` and the word for `what` (a key of WORDS: "row", "document", an ActionStatus, ...)
    in the reader's language."""
    return WORDS[what](n)
