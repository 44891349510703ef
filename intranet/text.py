"""Small text helpers."""

import re
import unicodedata


def slugify(text: str) -> str:
    """"Nätverket för planeringschefer" → "natverket-for-planeringschefer"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def csv_cell(value) -> str:
    """A value for a CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def iso_or_none(value):
    """A date or time as ISO 8601 text, for exports; None stays None."""
    return value.isoformat() if value is not None else None
