"""Demo meetings: the 2021 calendar moved to this year and the next, once."""

from datetime import date

from sqlalchemy import func, select

from intranet import clock
from intranet.config import ROOT
from intranet.demo.seed import load_organisation
from intranet.extensions import db
from intranet.meetings.demo import calendar_entries, moved, seed_meetings
from intranet.meetings.models import Meeting
from intranet.org.models import Body, BodyKind

DATA = load_organisation(ROOT / "intranet" / "demo" / "organisation.json")
THURSDAY, FRIDAY, WEDNESDAY = 3, 4, 2


def test_a_date_moves_to_the_same_weekday_nearest_the_same_day():
    assert moved(date(2021, 1, 14), 2026) == date(2026, 1, 15)  # Thursday 14 Jan → 15 Jan
    assert moved(date(2021, 12, 9), 2027) == date(2027, 12, 9)
    assert moved(date(2021, 9, 8), 2026) == date(2026, 9, 9)  # the Wednesday stays one
    for year in range(2024, 2035):
        for original in (date(2021, 1, 1), date(2021, 6, 30), date(2021, 12, 31)):
            new = moved(original, year)
            assert new.weekday() == original.weekday()
            assert abs((new - original.replace(year=year)).days) <= 3
    assert moved(date(2024, 2, 29), 2026).weekday() == date(2024, 2, 29).weekday()


def test_a_time_in_a_note_overrides_the_usual_time():
    calendar = DATA["calendar_2021"]
    committee = {e["held_on"]: e for e in calendar_entries(calendar, "committee", 2026)}
    assert committee[date(2026, 9, 3)]["time_text"] == "12.00–17.00"
    assert committee[date(2026, 9, 3)]["note"] == ""
    assert committee[date(2026, 9, 3)]["place"] == "Salem"
    assert committee[date(2026, 1, 15)] == {"held_on": date(2026, 1, 15),
                                            "time_text": "13.00–14.30", "place": "Teams",
                                            "note": "planeringskonferens"}
    group = {e["held_on"]: e for e in calendar_entries(calendar, "management_group", 2026)}
    conference = group[date(2026, 9, 9)]
    assert (conference["time_text"], conference["note"]) == ("12.00–19.00",
                                                              "planeringskonferens")
    assert group[date(2026, 1, 23)]["time_text"] == "08.30–11.00"


def count(kind, year):
    return db.session.scalar(
        select(func.count()).select_from(Meeting).join(Meeting.body)
        .where(Body.kind == kind, Meeting.held_on >= date(year, 1, 1),
               Meeting.held_on <= date(year, 12, 31)))


def test_seed_demo_adds_this_and_next_years_meetings_once(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    year = clock.today().year
    with app.app_context():
        for y in (year, year + 1):
            assert count(BodyKind.COMMITTEE, y) == 7
            assert count(BodyKind.MANAGEMENT_GROUP, y) == 7
        assert count(BodyKind.COMMITTEE, year + 2) == 0
        weekdays = {}
        for meeting in db.session.scalars(select(Meeting)):
            weekdays.setdefault(meeting.body.kind, []).append(meeting.held_on.weekday())
        assert set(weekdays[BodyKind.COMMITTEE]) == {THURSDAY}
        assert sorted(weekdays[BodyKind.MANAGEMENT_GROUP]).count(WEDNESDAY) == 2
        assert set(weekdays[BodyKind.MANAGEMENT_GROUP]) == {FRIDAY, WEDNESDAY}
        assert set(weekdays) == {BodyKind.COMMITTEE, BodyKind.MANAGEMENT_GROUP}
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Meeting)) == 28


def test_a_year_the_secretariat_already_keeps_is_left_alone(app, world, app_ctx):
    committee = db.session.scalar(select(Body).where(Body.kind == BodyKind.COMMITTEE))
    db.session.add(Meeting(body=committee, held_on=date(2030, 3, 7), place="Haninge"))
    db.session.flush()
    assert seed_meetings(DATA, years=[2030]) == 7  # the management group's only
    assert count(BodyKind.COMMITTEE, 2030) == 1
    assert seed_meetings(DATA, years=[2030]) == 0
