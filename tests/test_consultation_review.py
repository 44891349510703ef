"""The review path of a joint response as services, without HTTP: each step in its state
only, for its role only (the policy), snapshots and events at every step, the reviewers'
"what changed", the municipalities' positions, deadline extensions, the mail to the people
who act next, the start page's list and the board across networks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from intranet import clock
from intranet.audit.models import AuditEvent
from intranet.authz import may
from intranet.consultations import review
from intranet.consultations import services as svc
from intranet.consultations.models import (
    TRANSITIONS,
    ConsultationResponse,
    EventKind,
    MunicipalPosition,
    ResponseStatus,
    ReviewEvent,
    Stance,
)
from intranet.extensions import db
from intranet.forms_flow import RuleError
from intranet.meetings.models import Meeting
from intranet.notifications.models import OutgoingMail
from intranet.org.models import Body, BodyKind, Municipality, Network
from tests.consultation_fixtures import (
    FOREIGN_RESPONSE_ID,
    RESPONSE_ID,
    SECTION_IDS,
    build_consultations,
)

S = ResponseStatus
ROLES = ("member", "other_member", "convener", "director", "other_director", "committee",
         "secretariat")


@pytest.fixture
def ctx(app, world):
    build_consultations(app, world)
    with app.test_request_context():
        yield world


def _response() -> ConsultationResponse:
    return db.session.get(ConsultationResponse, RESPONSE_ID)


def _mail_to(person) -> list[OutgoingMail]:
    return list(db.session.scalars(select(OutgoingMail).where(
        OutgoingMail.to_address == person.email).order_by(OutgoingMail.id)))


def _state_all(world, stance=Stance.BEHIND):
    response = _response()
    for municipality in db.session.scalars(select(Municipality)):
        review.record_position(response, world.person("director"), municipality, stance=stance,
                               statement="Text." if stance != Stance.BEHIND else "")


def _to_committee(world):
    response = _response()
    review.submit_for_review(response, world.person("convener"))
    review.management_decision(response, world.person("director"), "forward")
    db.session.commit()
    return response


def test_a_whole_round_with_one_return(ctx):
    world = ctx
    response = _response()
    convener, chair = world.person("convener"), world.person("director")

    review.submit_for_review(response, convener)
    db.session.commit()
    assert response.status == S.MANAGEMENT_REVIEW
    # The directors and the secretariat are told; the one who acted is not.
    assert _mail_to(world.person("other_director"))
    assert _mail_to(world.person("secretariat"))
    assert not _mail_to(convener)

    review.management_decision(response, chair, "return", reason="Förkorta sammanfattningen.")
    db.session.commit()
    assert response.status == S.RETURNED
    assert review.latest_return(response).reason == "Förkorta sammanfattningen."
    mail = _mail_to(world.person("member"))[-1]
    assert "Förkorta sammanfattningen." in mail.body

    # Returned: the network writes again.
    section = svc.get_section(response, SECTION_IDS[0])
    svc.save_section(section, world.person("member"), expected_version=section.lock_version,
                     title=section.title, body="Kortare.")
    review.submit_for_review(response, convener)
    db.session.commit()
    # The management group sees what changed since it last saw the text.
    base = review.baseline(response)
    assert base is not None and base.status == S.MANAGEMENT_REVIEW
    changes = svc.compare_sections(base.sections, svc.section_state(response))
    assert [c.kind for c in changes] == ["changed", "same"]

    review.management_decision(response, chair, "forward", meeting_on=clock.today())
    db.session.commit()
    assert response.status == S.COMMITTEE_REVIEW
    assert _mail_to(world.person("committee"))
    # The committee compares with the text the management group sent on.
    assert review.baseline(response).status == S.MANAGEMENT_REVIEW

    _state_all(world)
    review.committee_decision(response, world.person("committee"), "adopt",
                              meeting_on=clock.today(), presenter_name="Kalle Sammankallande",
                              presenter_title="Planeringschef")
    db.session.commit()
    assert response.status == S.ADOPTED
    assert _mail_to(world.person("secretariat"))[-1].subject.startswith("Antaget")

    review.mark_sent(response, world.person("secretariat"), sent_on=clock.today(),
                     sent_to="Region Stockholm, registrator")
    db.session.commit()
    assert response.status == S.SENT
    kinds = [e.kind for e in response.events]
    assert kinds == ["submitted", "returned", "submitted", "forwarded", "adopted", "sent"]
    # Every step saved a snapshot with the status it led to.
    stepped = [e.snapshot.status for e in response.events]
    assert stepped == [e.to_status for e in response.events]
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"consultation_submitted", "consultation_returned", "consultation_forwarded",
            "consultation_adopted", "consultation_sent", "consultation_position"} <= actions


def test_sending_up_needs_some_text(ctx):
    response = _response()
    for section in response.live_sections:
        section.body = ""
    with pytest.raises(RuleError, match="ingen text"):
        review.submit_for_review(response, ctx.person("convener"))


def test_the_text_is_locked_during_review(ctx):
    response = _response()
    review.submit_for_review(response, ctx.person("convener"))
    section = svc.get_section(response, SECTION_IDS[0])
    with pytest.raises(svc.TransitionRefused, match="låst"):
        svc.save_section(section, ctx.person("member"), expected_version=section.lock_version,
                         title="X", body="Y")
    for change in (lambda: svc.add_section(response, ctx.person("member"), "Nytt"),
                   lambda: svc.remove_section(section, ctx.person("member")),
                   lambda: svc.move_section(section, ctx.person("member"), 1)):
        with pytest.raises(svc.TransitionRefused):
            change()
    with pytest.raises(svc.TransitionRefused):
        svc.update_response(response, ctx.person("member"),
                            svc.Details(title="Ny", referring_body="Region"),
                            expected_version=response.lock_version)
    # Comments stay open.
    svc.add_comment(section, ctx.person("director"), "Bra.")


@pytest.mark.parametrize("status", list(ResponseStatus))
def test_each_step_is_refused_in_every_other_state(ctx, status):
    world = ctx
    response = _response()
    response.status = status
    steps = {
        S.MANAGEMENT_REVIEW: lambda: review.submit_for_review(response, world.person("convener")),
        S.COMMITTEE_REVIEW: lambda: review.management_decision(
            response, world.person("director"), "forward"),
        S.ADOPTED: lambda: review.committee_decision(
            response, world.person("committee"), "adopt", meeting_on=clock.today(),
            adopt_anyway=True),
        S.SENT: lambda: review.mark_sent(response, world.person("secretariat"),
                                         sent_on=clock.today(), sent_to="Region"),
    }
    for target, step in steps.items():
        if target in TRANSITIONS[status]:
            continue
        with pytest.raises(svc.TransitionRefused):
            step()
        assert response.status == status
    # The triage choice never jumps into the review path.
    for target in (S.MANAGEMENT_REVIEW, S.COMMITTEE_REVIEW, S.ADOPTED, S.SENT, S.RETURNED):
        with pytest.raises(svc.TransitionRefused):
            svc.decide(response, world.person("convener"), target)


# Who may take each step, in the state it belongs to (and nobody in any other state).
STEP_ROLES = {
    "submit_response": ({S.DRAFT, S.RETURNED}, {"convener", "secretariat"}),
    "decide_management": ({S.MANAGEMENT_REVIEW}, {"director", "secretariat"}),  # the chair
    "decide_committee": ({S.COMMITTEE_REVIEW}, {"committee", "secretariat"}),  # the chair
    "mark_sent": ({S.ADOPTED}, {"secretariat"}),
    "extend_deadline": ({S.TRIAGE, S.DRAFT, S.RETURNED, S.MANAGEMENT_REVIEW,
                         S.COMMITTEE_REVIEW}, {"convener", "secretariat"}),
}


@pytest.mark.parametrize("action", sorted(STEP_ROLES))
def test_the_policy_allows_each_step_to_one_role_in_one_state(ctx, action):
    world = ctx
    response = _response()
    states, roles = STEP_ROLES[action]
    for status in ResponseStatus:
        response.status = status
        allowed = {role for role in ROLES if may(world.person(role), action, response)}
        assert allowed == (roles if status in states else set()), (action, status)
        assert not may(None, action, response)


def test_positions_are_stated_by_the_municipalitys_own_people_in_review(ctx):
    world = ctx
    response = _response()
    alpha, beta = world.ids.alpha, world.ids.beta
    for status in ResponseStatus:
        response.status = status
        in_review = status in (S.MANAGEMENT_REVIEW, S.COMMITTEE_REVIEW)
        # Alfaby: its director and its committee member; Betaholm: its director.
        assert may(world.person("director"), "state_position", (response, alpha)) == in_review
        assert may(world.person("committee"), "state_position", (response, alpha)) == in_review
        assert may(world.person("other_director"), "state_position",
                   (response, beta)) == in_review
        for role in ("member", "convener", "secretariat", "other_director"):
            assert not may(world.person(role), "state_position", (response, alpha))
        assert not may(world.person("director"), "state_position", (response, beta))


def test_a_reservation_or_a_dissent_needs_its_text_and_a_stale_change_is_refused(ctx):
    world = ctx
    response = _response()
    review.submit_for_review(response, world.person("convener"))
    alpha = db.session.get(Municipality, world.ids.alpha)
    for stance in (Stance.RESERVATION, Stance.AGAINST):
        with pytest.raises(RuleError) as caught:
            review.record_position(response, world.person("director"), alpha, stance=stance)
        assert caught.value.field == "statement"
    with pytest.raises(RuleError):
        review.record_position(response, world.person("director"), alpha, stance="maybe")
    position = review.record_position(
        response, world.person("director"), alpha, stance=Stance.RESERVATION,
        statement="Alfaby vill se spårväg före 2030.", decision_reference="KS § 12")
    version = position.lock_version
    # The committee member changes it from the version they saw.
    review.record_position(response, world.person("committee"), alpha, stance=Stance.BEHIND,
                           expected_version=version)
    assert position.statement == ""  # a plain yes keeps no reservation text
    # The director, still looking at the old version, is stopped with a message.
    with pytest.raises(RuleError, match="ändrat"):
        review.record_position(response, world.person("director"), alpha,
                               stance=Stance.AGAINST, statement="Nej.", expected_version=version)
    rows = review.tracker(response)
    assert [r.municipality.name for r in rows] == ["Alfaby", "Betaholm", "Gammastad"]
    assert [r.position.stance if r.position else None for r in rows] == ["behind", None, None]


def test_adopting_warns_about_missing_positions_and_needs_a_meeting_date(ctx):
    world = ctx
    response = _to_committee(world)
    chair = world.person("committee")
    with pytest.raises(RuleError) as caught:
        review.committee_decision(response, chair, "adopt", meeting_on=clock.today())
    assert caught.value.field == "adopt_anyway"
    assert "Alfaby, Betaholm, Gammastad" in str(caught.value)
    with pytest.raises(RuleError) as caught:
        review.committee_decision(response, chair, "adopt", meeting_on=None, adopt_anyway=True)
    assert caught.value.field == "meeting_on"
    with pytest.raises(RuleError):
        review.committee_decision(response, chair, "adopt", adopt_anyway=True,
                                  meeting_on=clock.today() + timedelta(days=1))
    with pytest.raises(RuleError) as caught:
        review.committee_decision(response, chair, "return", meeting_on=clock.today())
    assert caught.value.field == "reason"
    assert response.status == S.COMMITTEE_REVIEW
    review.committee_decision(response, chair, "adopt", meeting_on=clock.today(),
                              adopt_anyway=True)
    assert response.status == S.ADOPTED


# ---------------------------------------------------------------- the decisions' dates


def _at(monkeypatch, day: date, hour: int = 10, minute: int = 0) -> None:
    """The clock moved to the time of day in Sweden on `day`."""
    moment = datetime.combine(day, time(hour, minute), tzinfo=clock.LOCAL_TZ)
    monkeypatch.setattr(clock, "today", lambda: day)
    monkeypatch.setattr(clock, "utcnow", lambda: moment.astimezone(UTC).replace(tzinfo=None))


def _meet(kind: str, *days: date) -> None:
    body = db.session.scalar(select(Body).where(Body.kind == kind))
    db.session.add_all(Meeting(body=body, held_on=day) for day in days)
    db.session.flush()


def _sent_up_on(monkeypatch, world, day: date) -> ConsultationResponse:
    """The response sent up to the management group on `day`, whose meetings are on
    20 November and 8 December 2026 and 22 January 2027."""
    _meet(BodyKind.MANAGEMENT_GROUP, date(2026, 11, 20), date(2026, 12, 8), date(2027, 1, 22))
    _at(monkeypatch, day)
    response = _response()
    review.submit_for_review(response, world.person("convener"))
    db.session.commit()
    return response


def test_the_management_groups_date_lies_between_sending_up_and_today(ctx, monkeypatch):
    world = ctx
    chair = world.person("director")
    response = _sent_up_on(monkeypatch, world, date(2026, 12, 7))
    _at(monkeypatch, date(2026, 12, 9))
    # Its last meeting before the answer came, and a day not yet come, are refused.
    for day in (date(2026, 11, 20), date(2026, 12, 6), date(2026, 12, 10)):
        for decision in ("forward", "return"):
            with pytest.raises(RuleError) as caught:
                review.management_decision(response, chair, decision, reason="Kortare.",
                                           meeting_on=day)
            assert caught.value.field == "mg_meeting_on"
            assert str(caught.value) == (
                "Beslutsdatum måste vara mellan 7 december 2026 (då svaret kom till "
                "ledningsgruppen) och i dag, 9 december 2026.")
    assert response.status == S.MANAGEMENT_REVIEW and len(response.events) == 1
    dates = review.decision_dates(response)
    assert (dates.earliest, dates.latest) == (date(2026, 12, 7), date(2026, 12, 9))
    assert [dates.allows(date(2026, 12, d)) for d in (6, 7, 8, 9, 10)] == [
        False, True, True, True, False]
    # The date may be left out; given, it is the meeting's.
    event = review.management_decision(response, chair, "return", reason="Kortare.",
                                       meeting_on=date(2026, 12, 8))
    assert event.meeting_on == date(2026, 12, 8)


def test_a_response_sent_up_today_is_decided_today(ctx, monkeypatch):
    world = ctx
    # Sent up at half past midnight in Sweden: still the evening before in UTC.
    _meet(BodyKind.MANAGEMENT_GROUP, date(2026, 12, 4))
    _at(monkeypatch, date(2026, 12, 7), hour=0, minute=30)
    response = _response()
    review.submit_for_review(response, world.person("convener"))
    assert response.events[-1].created_at.date() == date(2026, 12, 6)
    assert review.reached_on(response) == date(2026, 12, 7)
    with pytest.raises(RuleError) as caught:
        review.management_decision(response, world.person("director"), "forward",
                                    meeting_on=date(2026, 12, 4))
    assert str(caught.value) == ("Beslutsdatum måste vara i dag, 7 december 2026, eftersom "
                                 "svaret kom till ledningsgruppen i dag.")
    assert review.suggested_date(response) == date(2026, 12, 7)
    review.management_decision(response, world.person("director"), "forward",
                               meeting_on=date(2026, 12, 7))
    assert response.status == S.COMMITTEE_REVIEW


def test_the_committees_date_lies_between_forwarding_and_today(ctx, monkeypatch):
    world = ctx
    chair = world.person("committee")
    _meet(BodyKind.COMMITTEE, date(2026, 10, 29), date(2026, 12, 10))
    response = _sent_up_on(monkeypatch, world, date(2026, 12, 7))
    # The management group decided at its meeting on 8 December; recorded the day after.
    _at(monkeypatch, date(2026, 12, 9))
    review.management_decision(response, world.person("director"), "forward",
                               meeting_on=date(2026, 12, 8))
    _at(monkeypatch, date(2026, 12, 11))
    for day in (date(2026, 10, 29), date(2026, 12, 7), date(2026, 12, 12)):
        for decision in ("adopt", "return"):
            with pytest.raises(RuleError) as caught:
                review.committee_decision(response, chair, decision, reason="Mer.",
                                          meeting_on=day, adopt_anyway=True)
            assert caught.value.field == "meeting_on"
            assert str(caught.value) == (
                "Beslutsdatum måste vara mellan 8 december 2026 (då svaret kom till "
                "samarbetskommittén) och i dag, 11 december 2026.")
    assert response.status == S.COMMITTEE_REVIEW
    review.committee_decision(response, chair, "adopt", meeting_on=date(2026, 12, 8),
                              adopt_anyway=True)
    assert response.status == S.ADOPTED


def test_without_the_management_groups_date_the_committees_starts_the_day_it_was_sent_on(
        ctx, monkeypatch):
    world = ctx
    response = _sent_up_on(monkeypatch, world, date(2026, 12, 7))
    _at(monkeypatch, date(2026, 12, 9))
    review.management_decision(response, world.person("director"), "forward")
    _at(monkeypatch, date(2026, 12, 11))
    dates = review.decision_dates(response)
    assert (dates.earliest, dates.latest) == (date(2026, 12, 9), date(2026, 12, 11))
    with pytest.raises(RuleError, match="mellan 9 december 2026"):
        review.committee_decision(response, world.person("committee"), "adopt",
                                  meeting_on=date(2026, 12, 8), adopt_anyway=True)


def test_a_decisions_form_starts_with_the_first_meeting_since_the_answer_came_if_held(
        ctx, monkeypatch):
    world = ctx
    _meet(BodyKind.COMMITTEE, date(2026, 10, 29), date(2026, 12, 10))
    response = _sent_up_on(monkeypatch, world, date(2026, 12, 7))
    # The management group's next meeting, on 8 December, has not been held yet: today.
    assert review.suggested_date(response) == date(2026, 12, 7)
    # Held: that meeting, not the one of 20 November before the answer came.
    _at(monkeypatch, date(2026, 12, 9))
    assert review.suggested_date(response) == date(2026, 12, 8)
    _at(monkeypatch, date(2027, 3, 1))
    assert review.suggested_date(response) == date(2026, 12, 8)
    _at(monkeypatch, date(2026, 12, 9))
    review.management_decision(response, world.person("director"), "forward",
                               meeting_on=date(2026, 12, 8))
    # The committee's meeting of 29 October came before the answer; 10 December is to come.
    assert review.suggested_date(response) == date(2026, 12, 9)
    _at(monkeypatch, date(2026, 12, 10))
    assert review.suggested_date(response) == date(2026, 12, 10)
    # Later too: the first meeting since the answer came, not the latest.
    _meet(BodyKind.COMMITTEE, date(2027, 1, 28))
    _at(monkeypatch, date(2027, 2, 1))
    assert review.suggested_date(response) == date(2026, 12, 10)
    # Nobody decides anything on a draft.
    response.status = S.DRAFT
    assert review.suggested_date(response) is None and review.decision_dates(response) is None


def test_the_letter_carries_the_date_the_committee_adopted_it(ctx, monkeypatch):
    from intranet.consultations import export
    from intranet.consultations.letter import build_docx
    from tests.test_letter import read, texts

    world = ctx
    _meet(BodyKind.COMMITTEE, date(2026, 10, 29), date(2026, 12, 10))
    response = _sent_up_on(monkeypatch, world, date(2026, 12, 7))
    _at(monkeypatch, date(2026, 12, 9))
    review.management_decision(response, world.person("director"), "forward",
                               meeting_on=date(2026, 12, 8))
    _at(monkeypatch, date(2026, 12, 11))
    # The committee's meeting before the answer reached it is not the adoption's date ...
    with pytest.raises(RuleError):
        review.committee_decision(response, world.person("committee"), "adopt",
                                  meeting_on=date(2026, 10, 29), adopt_anyway=True)
    # ... the date its form starts with is.
    day = review.suggested_date(response)
    assert day == date(2026, 12, 10)
    review.committee_decision(response, world.person("committee"), "adopt", meeting_on=day,
                              adopt_anyway=True)
    db.session.commit()
    letter = export.letter_for(response)
    assert letter.adopted_on == date(2026, 12, 10)
    assert "Beslutat av Samarbetskommittén 2026-12-10" in texts(read(letter))
    assert b"2026-10-29" not in build_docx(letter)


def test_when_the_last_position_is_stated_the_committee_officers_are_told(ctx):
    world = ctx
    response = _to_committee(world)
    before = len(_mail_to(world.person("committee")))
    _state_all(world)
    db.session.commit()
    mails = _mail_to(world.person("committee"))
    assert len(mails) == before + 1
    assert "Alla kommuner har tagit ställning" in mails[-1].subject
    assert not review.unstated(response)


def test_an_extension_is_later_has_a_reason_and_is_recorded(ctx):
    world = ctx
    response = _response()
    old = response.deadline
    with pytest.raises(RuleError) as caught:
        review.extend_deadline(response, world.person("convener"), new_deadline=old,
                               reason="Anstånd")
    assert caught.value.field == "new_deadline"
    with pytest.raises(RuleError) as caught:
        review.extend_deadline(response, world.person("convener"),
                               new_deadline=old + timedelta(days=14), reason=" ")
    assert caught.value.field == "extension_reason"
    review.extend_deadline(response, world.person("convener"),
                           new_deadline=old + timedelta(days=14),
                           reason="Region Stockholm beviljade anstånd per e-post.")
    db.session.commit()
    event = db.session.scalar(select(ReviewEvent).where(ReviewEvent.kind == EventKind.EXTENDED))
    assert (event.old_deadline, event.new_deadline) == (old, old + timedelta(days=14))
    assert response.deadline == old + timedelta(days=14)
    response.status = S.SENT
    with pytest.raises(svc.TransitionRefused):
        review.extend_deadline(response, world.person("convener"),
                               new_deadline=old + timedelta(days=30), reason="Sent")


def test_sent_needs_date_and_recipient_and_keeps_the_letter(ctx):
    world = ctx
    response = _to_committee(world)
    review.committee_decision(response, world.person("committee"), "adopt",
                              meeting_on=clock.today(), adopt_anyway=True)
    kept = []
    with pytest.raises(RuleError) as caught:
        review.mark_sent(response, world.person("secretariat"), sent_on=None, sent_to="R",
                         keep_letter=lambda: kept.append(1))
    assert caught.value.field == "sent_on"
    with pytest.raises(RuleError) as caught:
        review.mark_sent(response, world.person("secretariat"), sent_on=clock.today(),
                         sent_to="  ", keep_letter=lambda: kept.append(1))
    assert caught.value.field == "sent_to"
    assert kept == []  # nothing is stored before the step is known to go through
    from intranet.consultations import export

    event = review.mark_sent(
        response, world.person("secretariat"), sent_on=clock.today(), sent_to="Region",
        keep_letter=lambda: export.keep_letter(response, world.person("secretariat")))
    db.session.commit()
    assert event.document.network_id == response.network_id
    assert event.document.title == "Yttrande över Kollektivtrafikplan 2050"
    assert event.document.versions[0].filename.endswith(".docx")
    # The letter went out in every municipality's name: the directors and the committee who
    # decided it (not members of the network) open it from the response's page.
    from intranet.authz import may

    assert event.document.visibility == "everyone"
    for role in ("other_director", "committee"):
        assert may(world.person(role), "view_document", event.document), role


def test_waiting_lists_what_each_role_must_do(ctx):
    world = ctx
    response = _response()

    def waiting(role):
        return {(w.response.id, w.why) for w in review.waiting_for(world.person(role))}

    assert any("Utkast" in why for _, why in waiting("member"))
    review.submit_for_review(response, world.person("convener"))
    db.session.commit()
    assert any("Ledningsgruppens beslut" in why for _, why in waiting("director"))  # the chair
    assert any("inte tagit ställning" in why for _, why in waiting("other_director"))
    review.record_position(response, world.person("other_director"),
                           db.session.get(Municipality, world.ids.beta), stance=Stance.BEHIND)
    db.session.commit()
    # Stated: still in review by the group, but no longer waiting for Betaholm's position.
    assert {why for _, why in waiting("other_director")} == {"Granskas av ledningsgruppen"}
    assert any("Ledningsgruppens beslut" in why for _, why in waiting("secretariat"))
    assert not waiting("member")
    review.management_decision(response, world.person("director"), "return", reason="Mer.")
    db.session.commit()
    assert any("Återremitterat" in why for _, why in waiting("member"))
    # Another network's member only sees their own network's draft.
    assert {rid for rid, _ in waiting("other_member")} == {FOREIGN_RESPONSE_ID}


def test_the_board_groups_by_stage_and_sorts_by_deadline(ctx):
    world = ctx
    network = world.network()
    today = clock.today()
    for n, days in enumerate([30, 5, 12]):
        db.session.add(ConsultationResponse(
            network=network, title=f"Remiss {n}", referring_body="Trafikverket",
            deadline=today + timedelta(days=days), status=S.MANAGEMENT_REVIEW))
    db.session.commit()
    groups = review.board()
    assert [g.status for g in groups] == [S.MANAGEMENT_REVIEW, S.DRAFT]
    assert [r.title for r in groups[0].responses] == ["Remiss 1", "Remiss 2", "Remiss 0"]
    # One stage, paged.
    old_limit = review.BOARD_LIMIT
    review.BOARD_LIMIT = 2
    try:
        page2 = review.board(S.MANAGEMENT_REVIEW, page=2)
        assert [r.title for r in page2[0].responses] == ["Remiss 0"]
        assert page2[0].total == 3
    finally:
        review.BOARD_LIMIT = old_limit
    # Counted positions.
    assert review.stated_counts([RESPONSE_ID]) == {}
    assert db.session.scalar(select(func.count(MunicipalPosition.id))) == 0


def test_the_board_shows_a_few_of_each_stage_and_pages_one(ctx, monkeypatch):
    world = ctx
    network = world.network()
    archived = Network(name="Nedlagt nätverk", short_name="Nedlagt", slug="nedlagt",
                       archived_at=clock.utcnow())
    today = clock.today()
    # Five in committee review (one without a deadline), four sent, one in an archived
    # network that the board leaves out.
    for n, days in enumerate([9, None, 2, 30, 2]):
        db.session.add(ConsultationResponse(
            network=network, title=f"K{n}", referring_body="Region", status=S.COMMITTEE_REVIEW,
            deadline=None if days is None else today + timedelta(days=days)))
    for n, days in enumerate([-40, -5, None, -20]):
        db.session.add(ConsultationResponse(
            network=network, title=f"S{n}", referring_body="Region", status=S.SENT,
            deadline=None if days is None else today + timedelta(days=days)))
    db.session.add(ConsultationResponse(network=archived, title="Arkiverad", referring_body="X",
                                        status=S.SENT, deadline=today))
    db.session.commit()
    monkeypatch.setattr(review, "BOARD_PREVIEW", 3)
    monkeypatch.setattr(review, "BOARD_LIMIT", 2)
    groups = {g.status: g for g in review.board()}
    # The nearest deadlines first (ties by age), none last; the sent ones the latest first.
    assert [r.title for r in groups[S.COMMITTEE_REVIEW].responses] == ["K2", "K4", "K0"]
    assert groups[S.COMMITTEE_REVIEW].total == 5
    assert [r.title for r in groups[S.SENT].responses] == ["S1", "S3", "S0"]
    # One stage, a page at a time, the missing deadline on the last page.
    pages = [[r.title for r in review.board(S.COMMITTEE_REVIEW, page)[0].responses]
             for page in (1, 2, 3, 4)]
    assert pages == [["K2", "K4"], ["K0", "K3"], ["K1"], []]
    assert [r.title for r in review.board(S.SENT, 2)[0].responses] == ["S0", "S2"]
