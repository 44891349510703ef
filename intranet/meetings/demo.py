"""Demo meetings: the 2021 calendar in organisation.json moved to this year and the next,
each date to the same weekday nearest the same day of the year."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from intranet import clock
from intranet.extensions import db
from intranet.meetings.models import MEETING_KINDS, Meeting
from intranet.org.models import Body

_TIME_IN_NOTE = re.compile(r"\bkl\.?\s*(\d{1,2}\.\d{2})\s*[-–]\s*(\d{1,2}\.\d{2})")
_WEEKDAY_IN_NOTE = re.compile(r"\((?:måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag)\)")
_PLACES = {"ej beslutad": "plats ej beslutad"}


def moved(day: date, year: int) -> date:
    """The day with the same weekday as `day` that is nearest the same date in `year`."""
    try:
        anchor = day.replace(year=year)
    except ValueError:  # 29 February in a year without it
        anchor = date(year, 2, 28)
    delta = (day.weekday() - anchor.weekday()) % 7
    if delta > 3:
        delta -= 7
    return anchor + timedelta(days=delta)


def _time_range(text: str) -> str:
    return re.sub(r"\s*[-–]\s*", "–", (text or "").strip())


def calendar_entries(calendar: dict, kind: str, year: int) -> list[dict]:
    """The body's dates moved to `year`: held_on, time_text, place and note. A time in a
    date's note ("kl 12.00-17.00") overrides the body's usual time."""
    body = calendar.get(kind) or {}
    entries = []
    for item in body.get("dates", []):
        note = item.get("note", "")
        time_text = _time_range(body.get("time", ""))
        found = _TIME_IN_NOTE.search(note)
        if found:
            time_text = f"{found.group(1)}–{found.group(2)}"
            note = _TIME_IN_NOTE.sub("", note)
        note = " ".join(_WEEKDAY_IN_NOTE.sub("", note).split()).strip(" ,")
        place = item.get("place", "")
        entries.append({"held_on": moved(date.fromisoformat(item["date"]), year),
                        "time_text": time_text, "place": _PLACES.get(place, place),
                        "note": note})
    return entries


def seed_meetings(data: dict | Path, years: list[int] | None = None) -> int:
    """Add the calendar's meetings for this year and the next (or `years`). A body that
    already has meetings in a year keeps them as they are. Returns how many were added."""
    if isinstance(data, Path):
        import json

        data = json.loads(data.read_text(encoding="utf-8"))
    calendar = data.get("calendar_2021") or {}
    this_year = clock.today().year
    added = 0
    for kind in MEETING_KINDS:
        body = db.session.scalar(select(Body).where(Body.kind == kind))
        if body is None:
            continue
        for year in years or [this_year, this_year + 1]:
            if db.session.scalar(select(Meeting.id).where(
                    Meeting.body_id == body.id, Meeting.held_on >= date(year, 1, 1),
                    Meeting.held_on <= date(year, 12, 31)).limit(1)) is not None:
                continue
            for entry in calendar_entries(calendar, kind, year):
                db.session.add(Meeting(body=body, **entry))
                added += 1
    db.session.flush()
    return added
