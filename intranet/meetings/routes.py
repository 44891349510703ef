"""The bodies' meeting calendar: everyone logged in reads it, the secretariat keeps it."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from intranet import clock
from intranet.auth.services import is_fresh
from intranet.authz import authorize
from intranet.extensions import db
from intranet.forms_flow import form_status, submit
from intranet.htmx import render
from intranet.meetings import bp
from intranet.meetings.forms import EditMeetingForm, NewMeetingForm, RemoveMeetingForm
from intranet.meetings.models import Meeting
from intranet.meetings.services import (
    add_meeting,
    body_of_kind,
    list_meetings,
    meeting_bodies,
    next_meetings,
    remove_meeting,
    update_meeting,
)

FIRST_YEAR, LAST_YEAR = 2000, 2100


def _year() -> int:
    year = request.args.get("ar", type=int)
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        return clock.today().year
    return year


def _calendar_url(meeting: Meeting) -> str:
    return url_for("meetings.index", ar=meeting.held_on.year, _anchor=f"mote-{meeting.id}")


def _when(meeting: Meeting) -> str:
    return format_date(meeting.held_on, "full")


@bp.get("/moten")
def index():
    authorize(current_user, "view_meetings")
    year = _year()
    calendar = [(body, list_meetings(body, year)) for body in meeting_bodies()]
    today = clock.today()
    upcoming = {body.id: next((m.id for m in meetings if m.held_on >= today), None)
                for body, meetings in calendar}
    # When this year holds no more meetings of a body: where its next one is.
    following = {body.id: next(iter(next_meetings(body.kind, today, limit=1)), None)
                 if year == today.year and upcoming[body.id] is None else None
                 for body, _meetings in calendar}
    return render("meetings/index.html", calendar=calendar, year=year, today=today,
                  upcoming=upcoming, following=following,
                  previous_year=year - 1 if year > FIRST_YEAR else None,
                  next_year=year + 1 if year < LAST_YEAR else None)


@bp.route("/moten/ny", methods=["GET", "POST"])
def new():
    authorize(current_user, "manage_meetings")
    bodies = meeting_bodies()
    form = NewMeetingForm()
    form.body_kind.choices = [SelectChoice(b.kind, b.name) for b in bodies]
    if request.method == "GET":
        wanted = request.args.get("organ", "")
        form.body_kind.data = wanted if any(b.kind == wanted for b in bodies) else (
            bodies[0].kind if bodies else "")
    outcome = submit(form, lambda: add_meeting(
        actor=current_user, body=body_of_kind(form.body_kind.data), held_on=form.held_on.data,
        time_text=form.time_text.data, place=form.place.data, note=form.note.data),
        sensitive=True)
    if outcome:
        meeting = outcome.result
        flash(_("Mötet %(date)s för %(body)s är tillagt.", date=_when(meeting),
                body=meeting.body.name), "success")
        return redirect(_calendar_url(meeting), 303)
    return render("meetings/form.html", status=form_status(), form=form, meeting=None,
                  fresh=is_fresh(current_user))


@bp.route("/moten/<int:meeting_id>/andra", methods=["GET", "POST"])
def edit(meeting_id: int):
    meeting = db.get_or_404(Meeting, meeting_id)
    authorize(current_user, "manage_meetings", meeting)
    form = EditMeetingForm(obj=meeting if request.method == "GET" else None)
    if request.method == "GET":
        form.version.data = meeting.lock_version
    outcome = submit(form, lambda: update_meeting(
        meeting, actor=current_user, expected_version=form.version.data,
        held_on=form.held_on.data, time_text=form.time_text.data, place=form.place.data,
        note=form.note.data), sensitive=True)
    if outcome:
        if outcome.result:
            flash(_("Mötet %(date)s är ändrat.", date=_when(meeting)), "success")
        else:
            flash(_("Inget var ändrat."), "info")
        return redirect(_calendar_url(meeting), 303)
    if form.form_errors:
        # The meeting changed under the person: the next save starts from what is stored now.
        form.version.data = meeting.lock_version
        form.version.raw_data = [str(meeting.lock_version)]
    return render("meetings/form.html", status=form_status(), form=form, meeting=meeting,
                  fresh=is_fresh(current_user))


@bp.route("/moten/<int:meeting_id>/ta-bort", methods=["GET", "POST"])
def remove(meeting_id: int):
    meeting = db.get_or_404(Meeting, meeting_id)
    authorize(current_user, "manage_meetings", meeting)
    form = RemoveMeetingForm()
    year, when, body = meeting.held_on.year, _when(meeting), meeting.body.name
    if submit(form, lambda: remove_meeting(meeting, actor=current_user), sensitive=True):
        flash(_("Mötet %(date)s för %(body)s är borttaget.", date=when, body=body),
              "success")
        return redirect(url_for("meetings.index", ar=year), 303)
    return render("meetings/remove.html", status=form_status(), form=form, meeting=meeting,
                  fresh=is_fresh(current_user))
