"""The meeting calendar through HTTP, and the deadline macro the response page shows."""

import re
from datetime import date, timedelta

from flask import render_template_string
from sqlalchemy import select

from intranet import clock
from intranet.extensions import db
from intranet.meetings.models import Meeting
from intranet.meetings.services import Window, handling_meetings
from intranet.org.models import Body, BodyKind
from tests.conftest import PASSWORD


def body_id(app, kind):
    with app.app_context():
        return db.session.scalar(select(Body.id).where(Body.kind == kind))


def add(app, kind, day, **fields):
    with app.app_context():
        meeting = Meeting(body_id=db.session.scalar(select(Body.id).where(Body.kind == kind)),
                          held_on=day, **fields)
        db.session.add(meeting)
        db.session.commit()
        return meeting.id


def meetings(app):
    with app.app_context():
        return [(m.body.kind, m.held_on, m.time_text, m.place, m.note) for m in
                db.session.scalars(select(Meeting).order_by(Meeting.held_on))]


def test_everyone_sees_the_calendar_and_only_the_secretariat_its_controls(app, world,
                                                                         login_as):
    this_year = clock.today().year
    add(app, BodyKind.COMMITTEE, date(this_year, 1, 2), place="Teams", note="planering")
    upcoming = add(app, BodyKind.MANAGEMENT_GROUP, date(this_year + 1, 1, 8),
                   time_text="08.30–11.00", place="Huddinge")
    page = login_as("member").get("/moten").get_data(as_text=True)
    assert f"<h1>Möten {this_year}</h1>" in page
    assert "Samarbetskommittén" in page and "Ledningsgruppen" in page and "Kansliet</h2>" \
        not in page
    assert "planering" in page and "(har varit)" in page
    # The group has no more meetings this year: where its next one is.
    assert f"/moten?ar={this_year + 1}#mote-{upcoming}" in page
    assert "Lägg till möte" not in page and "/andra" not in page
    assert f'href="/moten?ar={this_year - 1}"' in page
    next_year = login_as("member").get(f"/moten?ar={this_year + 1}").get_data(as_text=True)
    assert "08.30–11.00</span>, Huddinge" in next_year and "Nästa möte" in next_year
    assert "Inga möten inlagda" in next_year
    staff = login_as("secretariat").get("/moten").get_data(as_text=True)
    assert "/moten/ny?organ=committee" in staff and "/ta-bort" in staff
    # A year out of range falls back to this year.
    assert f"Möten {this_year}" in login_as("member").get("/moten?ar=99999").get_data(
        as_text=True)


def test_the_secretariat_adds_a_meeting(app, world, login_as):
    staff = login_as("secretariat")
    form = staff.get("/moten/ny?organ=management_group").get_data(as_text=True)
    assert re.search(r'<option selected value="management_group">|'
                     r'<option value="management_group" selected>', form), form
    response = staff.post("/moten/ny", {
        "body_kind": "committee", "held_on": "2026-12-03", "time_text": "13.00–14.30",
        "place": "Teams", "note": "budget"})
    assert response.status_code == 303
    assert re.search(r"/moten\?ar=2026#mote-\d+$", response.headers["Location"])
    assert meetings(app) == [("committee", date(2026, 12, 3), "13.00–14.30", "Teams",
                              "budget")]
    page = staff.get(response.headers["Location"]).get_data(as_text=True)
    assert "Mötet torsdag 3 december 2026 för Samarbetskommittén är tillagt." in page


def test_swedish_messages_on_the_fields(app, world, login_as):
    staff = login_as("secretariat")
    add(app, BodyKind.COMMITTEE, date(2026, 12, 3))
    empty = staff.post("/moten/ny", {"body_kind": "committee", "held_on": ""})
    assert empty.status_code == 422
    assert 'id="held_on-error">Ange mötets datum' in empty.get_data(as_text=True)
    wrong = staff.post("/moten/ny", {"body_kind": "committee", "held_on": "3 dec"})
    text = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and "Skriv ett giltigt datum" in text
    assert 'aria-describedby="held_on-hint held_on-error"' in text
    long = staff.post("/moten/ny", {"body_kind": "committee", "held_on": "2026-12-10",
                                    "place": "x" * 201})
    assert long.status_code == 422 and "Högst 200 tecken." in long.get_data(as_text=True)
    twice = staff.post("/moten/ny", {"body_kind": "committee", "held_on": "2026-12-03"})
    text = twice.get_data(as_text=True)
    assert twice.status_code == 422
    assert re.search(r'id="held_on-error">Samarbetskommittén har redan ett möte den dagen',
                     text)
    assert len(meetings(app)) == 1
    secretariat = staff.post("/moten/ny", {"body_kind": "secretariat",
                                           "held_on": "2026-12-11"})
    assert secretariat.status_code == 422 and len(meetings(app)) == 1


def test_the_secretariat_changes_a_meeting_and_a_stale_form_is_refused(app, world, login_as):
    staff = login_as("secretariat")
    meeting_id = add(app, BodyKind.COMMITTEE, date(2026, 12, 3), place="Teams")
    form = staff.get(f"/moten/{meeting_id}/andra").get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"',
                        form)
    version = version.group(1) or version.group(2)
    fields = {"held_on": "2026-12-03", "time_text": "", "note": "", "version": version}
    assert staff.post(f"/moten/{meeting_id}/andra", {**fields, "place": "Salem"}
                      ).status_code == 303
    stale = staff.post(f"/moten/{meeting_id}/andra", {**fields, "place": "Huddinge"})
    text = stale.get_data(as_text=True)
    assert stale.status_code == 422 and "Någon annan har ändrat mötet" in text
    assert 'value="Huddinge"' in text and "Salem" in text
    assert meetings(app)[0][3] == "Salem"
    # The form now carries the current version: saving again replaces.
    current = re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"',
                        text)
    assert staff.post(f"/moten/{meeting_id}/andra", {
        **fields, "place": "Huddinge", "version": current.group(1) or current.group(2)}
    ).status_code == 303
    assert meetings(app)[0][3] == "Huddinge"


def test_the_secretariat_removes_a_meeting_after_confirming(app, world, login_as):
    staff = login_as("secretariat")
    meeting_id = add(app, BodyKind.MANAGEMENT_GROUP, date(2026, 12, 4), place="Huddinge")
    confirm = staff.get(f"/moten/{meeting_id}/ta-bort").get_data(as_text=True)
    assert "fredag 4 december 2026" in confirm and "Ta bort mötet" in confirm
    response = staff.post(f"/moten/{meeting_id}/ta-bort")
    assert response.status_code == 303 and response.headers["Location"] == "/moten?ar=2026"
    assert meetings(app) == []
    assert staff.get(f"/moten/{meeting_id}/andra").status_code == 404


def test_changes_need_a_fresh_login(app, world, login_as, monkeypatch):
    staff = login_as("secretariat")
    meeting_id = add(app, BodyKind.COMMITTEE, date(2026, 12, 3))
    real = clock.utcnow
    monkeypatch.setattr(clock, "utcnow", lambda: real() + timedelta(minutes=45))
    form = {"body_kind": "committee", "held_on": "2026-12-10", "place": "Salem"}
    stale = staff.post("/moten/ny", form)
    text = stale.get_data(as_text=True)
    assert stale.status_code == 422 and 'value="Salem"' in text and "Ditt lösenord" in text
    assert staff.post(f"/moten/{meeting_id}/ta-bort").status_code == 422
    assert len(meetings(app)) == 1
    assert staff.post("/moten/ny", {**form, "confirm_password": PASSWORD}).status_code == 303
    assert len(meetings(app)) == 2


def render_macro(app, windows, deadline, **kwargs):
    with app.test_request_context():
        return render_template_string(
            '{% from "meetings/_macros.html" import deadline_meetings %}'
            "{{ deadline_meetings(windows, deadline, **kwargs) }}",
            windows=windows, deadline=deadline, kwargs=kwargs)


def test_the_deadline_macro_lists_each_body_and_warns(app, world):
    add(app, BodyKind.COMMITTEE, date(2026, 12, 10), time_text="13.00–14.30", place="Teams")
    add(app, BodyKind.MANAGEMENT_GROUP, date(2026, 12, 4), time_text="08.30–11.00",
        place="Huddinge", note="budget")
    today = date(2026, 11, 25)
    with app.app_context():
        html = render_macro(app, handling_meetings(date(2026, 12, 31), today),
                            date(2026, 12, 31))
        assert '<h3 class="deadline-meetings__title">Möten före svarsdatum</h3>' in html
        assert "<strong>Ledningsgruppen:</strong> <time datetime=\"2026-12-04\">" \
               "fredag 4 december 2026</time>" in html
        assert "Huddinge" in html and "budget" in html
        assert "torsdag 10 december 2026" in html and "⚠" not in html
        early = render_macro(app, handling_meetings(date(2026, 12, 8), today),
                             date(2026, 12, 8), heading_level=None)
        assert "<h3" not in early and "<p class=\"deadline-meetings__title\">" in early
        assert "⚠</span> Samarbetskommittén har inget möte som hinner behandla svaret före " \
               "svarsdatum. Begär anstånd i tid." in early
        assert "fredag 4 december 2026" in early
        h2 = render_macro(app, handling_meetings(date(2026, 12, 8), today), date(2026, 12, 8),
                          heading_level=2)
        assert "<h2 " in h2
        assert render_macro(app, [], None).strip() == ""
        none = render_macro(app, [Window(body=db.session.scalar(
            select(Body).where(Body.kind == BodyKind.COMMITTEE)), meeting=None)],
            date(2026, 12, 1))
        assert "⚠" in none and "role=" not in none
