"""The one source of the current time, so tests can move it."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Europe/Stockholm")


def utcnow() -> datetime:
    """Naive UTC, as stored in the database (SQLite keeps no time zone)."""
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    """Today's date in Sweden: appointments start and end on local dates."""
    return datetime.now(LOCAL_TZ).date()
