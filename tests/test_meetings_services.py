"""The bodies' meeting dates and which meeting can still handle a deadline, without HTTP."""

from datetime import date

import pytest
from sqlalchemy import select

from intranet.audit.models import AuditEvent
from intranet.extensions import db
from intranet.forms_flow import RuleError
from intranet.meetings.models import Meeting
from intranet.meetings.services import (
    MeetingConflict,
    Window,
    add_meeting,
    first_meeting,
    handling_meetings,
    list_meetings,
    next_meetings,
    remove_meeting,
    update_meeting,
)
from intranet.org.models import Body, BodyKind

TODAY = date(2026, 11, 25)


def body(kind):
    return db.session.scalar(select(Body).where(Body.kind == kind))


def meet(kind, *days):
    for day in days:
        db.session.add(Meeting(body=body(kind), held_on=day, place="Teams"))
    db.session.flush()


@pytest.fixture
def calendar(world, app_ctx):
    """Committee on Thursdays, the management group on Fridays, around the turn of the year."""
    meet(BodyKind.COMMITTEE, date(2026, 10, 29), date(2026, 12, 10), date(2027, 2, 4))
    meet(BodyKind.MANAGEMENT_GROUP, date(2026, 11, 20), date(2026, 11, 27), date(2026, 12, 4),
         date(2027, 1, 22))


def days(windows):
    return [(w.body.kind, w.meeting.held_on if w.meeting else None) for w in windows]


def test_the_last_committee_meeting_and_the_management_group_meeting_before_it(calendar):
    windows = handling_meetings(date(2027, 1, 31), TODAY)
    assert all(isinstance(w, Window) for w in windows)
    assert days(windows) == [(BodyKind.MANAGEMENT_GROUP, date(2026, 12, 4)),
                             (BodyKind.COMMITTEE, date(2026, 12, 10))]


def test_a_meeting_on_the_deadline_counts(calendar):
    assert days(handling_meetings(date(2027, 2, 4), TODAY)) == [
        (BodyKind.MANAGEMENT_GROUP, date(2027, 1, 22)), (BodyKind.COMMITTEE, date(2027, 2, 4))]


def test_a_meeting_today_counts_and_past_ones_do_not(calendar):
    # The management group meets today (27 November); the committee's only meeting left
    # before the deadline is too early for the group's meeting after it.
    assert days(handling_meetings(date(2026, 12, 1), date(2026, 11, 27))) == [
        (BodyKind.MANAGEMENT_GROUP, date(2026, 11, 27)), (BodyKind.COMMITTEE, None)]
    # 20 November and 29 October are past.
    assert days(handling_meetings(date(2026, 11, 26), TODAY)) == [
        (BodyKind.MANAGEMENT_GROUP, None), (BodyKind.COMMITTEE, None)]


def test_a_management_group_meeting_after_the_committee_meeting_is_not_used(world, app_ctx):
    meet(BodyKind.COMMITTEE, date(2026, 12, 3))
    meet(BodyKind.MANAGEMENT_GROUP, date(2026, 12, 3), date(2026, 12, 4))
    # Same day as the committee does not prepare it either.
    assert days(handling_meetings(date(2026, 12, 31), TODAY)) == [
        (BodyKind.MANAGEMENT_GROUP, None), (BodyKind.COMMITTEE, date(2026, 12, 3))]


def test_without_a_committee_meeting_the_management_group_up_to_the_deadline(world, app_ctx):
    meet(BodyKind.MANAGEMENT_GROUP, date(2026, 12, 4), date(2026, 12, 18), date(2027, 1, 8))
    assert days(handling_meetings(date(2026, 12, 18), TODAY)) == [
        (BodyKind.MANAGEMENT_GROUP, date(2026, 12, 18)), (BodyKind.COMMITTEE, None)]


def test_no_meetings_at_all_warns_for_both_bodies(world, app_ctx):
    assert days(handling_meetings(date(2027, 6, 1), TODAY)) == [
        (BodyKind.MANAGEMENT_GROUP, None), (BodyKind.COMMITTEE, None)]


def test_a_deadline_already_passed_has_no_meetings(calendar):
    assert days(handling_meetings(date(2026, 11, 1), TODAY)) == [
        (BodyKind.MANAGEMENT_GROUP, None), (BodyKind.COMMITTEE, None)]


def test_no_deadline_no_windows(calendar):
    assert handling_meetings(None, TODAY) == []


def test_the_secretariat_never_appears(calendar):
    secretariat = body(BodyKind.SECRETARIAT)
    db.session.add(Meeting(body=secretariat, held_on=date(2026, 12, 1)))
    db.session.flush()
    windows = handling_meetings(date(2027, 12, 31), TODAY)
    assert [w.body.kind for w in windows] == [BodyKind.MANAGEMENT_GROUP, BodyKind.COMMITTEE]


def test_only_the_bodies_that_exist(world, app_ctx):
    body(BodyKind.MANAGEMENT_GROUP).kind = "former_group"  # as if there were none
    db.session.flush()
    meet(BodyKind.COMMITTEE, date(2026, 12, 10))
    assert days(handling_meetings(date(2026, 12, 31), TODAY)) == [
        (BodyKind.COMMITTEE, date(2026, 12, 10))]


def test_first_and_next_meetings(calendar):
    assert first_meeting(BodyKind.COMMITTEE, date(2026, 12, 10)).held_on == date(2026, 12, 10)
    assert first_meeting(BodyKind.COMMITTEE, date(2026, 10, 30)).held_on == date(2026, 12, 10)
    assert first_meeting(BodyKind.COMMITTEE, date(2027, 2, 5)) is None
    assert first_meeting(BodyKind.SECRETARIAT, date(2000, 1, 1)) is None
    assert [m.held_on for m in next_meetings(BodyKind.MANAGEMENT_GROUP, date(2026, 11, 27))] \
        == [date(2026, 11, 27), date(2026, 12, 4), date(2027, 1, 22)]
    assert [m.held_on for m in next_meetings(BodyKind.COMMITTEE, TODAY, limit=1)] == [
        date(2026, 12, 10)]
    assert next_meetings(BodyKind.SECRETARIAT, TODAY) == []
    assert next_meetings("unknown", TODAY) == []


def test_list_meetings_by_year_in_date_order(calendar):
    committee = body(BodyKind.COMMITTEE)
    assert [m.held_on for m in list_meetings(committee)] == [
        date(2026, 10, 29), date(2026, 12, 10), date(2027, 2, 4)]
    assert [m.held_on for m in list_meetings(committee, 2027)] == [date(2027, 2, 4)]
    assert list_meetings(committee, 2025) == []


def audit(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_add_update_remove_write_audit_rows(world, app_ctx):
    staff = world.person("secretariat")
    committee = body(BodyKind.COMMITTEE)
    meeting = add_meeting(actor=staff, body=committee, held_on=date(2026, 12, 3),
                          time_text=" 13.00–14.30 ", place="Teams", note="  ")
    assert (meeting.time_text, meeting.place, meeting.note) == ("13.00–14.30", "Teams", "")
    assert audit("meeting_added")[0].detail["held_on"] == "2026-12-03"
    version = meeting.lock_version
    changed = update_meeting(meeting, actor=staff, expected_version=version,
                             held_on=date(2026, 12, 10), time_text="13.00–14.30",
                             place="Huddinge", note="")
    assert changed == ["held_on", "place"]
    db.session.flush()
    assert meeting.lock_version == version + 1
    assert audit("meeting_updated")[0].detail["changed"]["place"] == ["Teams", "Huddinge"]
    # Saving the same values again changes nothing, whatever the version.
    assert update_meeting(meeting, actor=staff, expected_version=None,
                          held_on=date(2026, 12, 10), time_text="13.00–14.30",
                          place="Huddinge", note="") == []
    meeting_id = meeting.id
    remove_meeting(meeting, actor=staff)
    assert db.session.get(Meeting, meeting_id) is None
    removed = audit("meeting_removed")[0]
    assert removed.object_id == meeting_id and removed.detail["place"] == "Huddinge"


def test_a_stale_version_is_refused_with_the_current_values(world, app_ctx):
    staff = world.person("secretariat")
    meeting = add_meeting(actor=staff, body=body(BodyKind.COMMITTEE),
                          held_on=date(2026, 12, 3), place="Teams")
    old = meeting.lock_version
    update_meeting(meeting, actor=staff, expected_version=old, held_on=date(2026, 12, 3),
                   place="Salem")
    db.session.flush()
    with pytest.raises(MeetingConflict) as error:
        update_meeting(meeting, actor=staff, expected_version=old, held_on=date(2026, 12, 3),
                       place="Huddinge")
    assert "Salem" in str(error.value.message)
    assert error.value.field is None


def test_one_meeting_a_day_per_body(world, app_ctx):
    staff = world.person("secretariat")
    committee = body(BodyKind.COMMITTEE)
    add_meeting(actor=staff, body=committee, held_on=date(2026, 12, 3))
    with pytest.raises(RuleError) as error:
        add_meeting(actor=staff, body=committee, held_on=date(2026, 12, 3))
    assert error.value.field == "held_on"
    # The management group may meet the same day.
    add_meeting(actor=staff, body=body(BodyKind.MANAGEMENT_GROUP), held_on=date(2026, 12, 3))
    other = add_meeting(actor=staff, body=committee, held_on=date(2026, 12, 10))
    with pytest.raises(RuleError):
        update_meeting(other, actor=staff, expected_version=other.lock_version,
                       held_on=date(2026, 12, 3))


def test_the_secretariat_has_no_meetings(world, app_ctx):
    with pytest.raises(RuleError):
        add_meeting(actor=world.person("secretariat"), body=body(BodyKind.SECRETARIAT),
                    held_on=date(2026, 12, 3))
