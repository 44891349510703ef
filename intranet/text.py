"""Small text helpers."""

import re
import unicodedata

from flask import has_app_context
from sqlalchemy import func, or_


def slugify(text: str) -> str:
    """"Nätverket för planeringschefer" → "natverket-for-planeringschefer"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def genitive(name: str | None) -> str:
    """A name set before what it owns (genitiv), for "%(whose)s ställningstagande": Swedish
    adds s unless the name ends in s, x or z ("Botkyrkas", "Klimatnätverkets", "Lars"). A
    page or mail in English gets apostrophe and s ("Botkyrka’s"), so that one placeholder
    serves both languages. Also the templates' filter `genitive`."""
    from intranet.i18n import current_locale

    name = name or _unknown_person()
    if has_app_context() and str(current_locale()).startswith("en"):
        return f"{name}’s"
    return name if name[-1:].casefold() in ("s", "x", "z") else f"{name}s"


def _unknown_person() -> str:
    from flask_babel import gettext

    return gettext("Okänd person") if has_app_context() else "Okänd person"


def csv_cell(value) -> str:
    """A value for a CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def iso_or_none(value):
    """A date or time as ISO 8601 text, for exports; None stays None."""
    return value.isoformat() if value is not None else None


# Code point order puts ä before å; Swedish is å, ä, ö.
_SWEDISH_ORDER = str.maketrans({"å": "ä", "ä": "å"})


def sort_key(text: str | None) -> str:
    """Text as the database sorts and searches it: trimmed, case folded ("Åtgärd" and
    "åtgärd" are one word) and with å and ä swapped, so that comparing keys character by
    character, as Python and the database's binary collation do, gives Swedish order. A
    search word made a key the same way is found in a key where the word is in the text."""
    return (text or "").strip().casefold().translate(_SWEDISH_ORDER)


def like_pattern(key: str) -> str:
    """A LIKE pattern (escape character backslash) that finds `key` anywhere in a value."""
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains(text: str, *columns):
    """A condition: `text` (as typed, case ignored, `%` and `_` meaning themselves) is in one
    of the columns."""
    pattern = like_pattern(text.strip().lower())
    return or_(*(func.lower(column).like(pattern, escape="\\") for column in columns))
