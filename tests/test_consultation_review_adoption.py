"""Positions the secretariat records for a municipality, the committee's adoption with its own
changes to the text, what the network compares with after a return, and the letter built from
them: as services, without HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from intranet import clock
from intranet.audit.models import AuditEvent
from intranet.authz import may
from intranet.consultations import export, review
from intranet.consultations import services as svc
from intranet.consultations.models import (
    ConsultationResponse,
    EventKind,
    ResponseStatus,
    SectionRevision,
    Stance,
)
from intranet.extensions import db
from intranet.forms_flow import RuleError
from intranet.notifications.models import OutgoingMail
from intranet.org.models import Municipality
from tests.consultation_fixtures import RESPONSE_ID, SECTION_IDS, build_consultations
from tests.test_letter import read, texts

S = ResponseStatus
ROLES = ("member", "other_member", "convener", "director", "other_director", "committee",
         "secretariat")
SOURCE = "enligt e-post från kommundirektören den 3 december 2026"


@pytest.fixture
def ctx(app, world):
    build_consultations(app, world)
    with app.test_request_context():
        yield world


def _response() -> ConsultationResponse:
    return db.session.get(ConsultationResponse, RESPONSE_ID)


def _to_committee(world) -> ConsultationResponse:
    response = _response()
    review.submit_for_review(response, world.person("convener"))
    review.management_decision(response, world.person("director"), "forward")
    db.session.commit()
    return response


def _audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# ---------------------------------------------------------------- positions on behalf


def test_only_the_secretariat_records_a_position_on_behalf_and_only_in_review(ctx):
    world = ctx
    response = _response()
    for status in ResponseStatus:
        response.status = status
        allowed = {role for role in ROLES
                   if may(world.person(role), "record_position_on_behalf", response)}
        in_review = status in (S.MANAGEMENT_REVIEW, S.COMMITTEE_REVIEW)
        assert allowed == ({"secretariat"} if in_review else set()), status
    response.status = S.DRAFT
    alpha = db.session.get(Municipality, world.ids.alpha)
    with pytest.raises(svc.TransitionRefused):
        review.record_position_on_behalf(response, world.person("secretariat"), alpha,
                                         source=SOURCE, stance=Stance.BEHIND)


def test_a_position_on_behalf_needs_its_source_and_says_who_entered_it(ctx):
    world = ctx
    response = _response()
    review.submit_for_review(response, world.person("convener"))
    alpha = db.session.get(Municipality, world.ids.alpha)
    staff = world.person("secretariat")
    with pytest.raises(RuleError) as caught:
        review.record_position_on_behalf(response, staff, alpha, source="  \n ",
                                         stance=Stance.BEHIND)
    assert caught.value.field == "source"
    with pytest.raises(RuleError) as caught:
        review.record_position_on_behalf(response, staff, alpha, source=SOURCE,
                                         stance=Stance.RESERVATION)
    assert caught.value.field == "statement"
    assert review.get_position(response, alpha.id) is None

    position = review.record_position_on_behalf(
        response, staff, alpha, source=f"  {SOURCE}\t", stance=Stance.RESERVATION,
        statement="Alfaby vill se spårväg före 2030.", decision_reference="KS § 12")
    db.session.commit()
    assert position.entered_on_behalf is True
    assert position.source == SOURCE
    assert position.recorded_by == staff
    assert [row.position for row in review.tracker(response)][0] == position
    [row] = _audit("consultation_position_on_behalf")
    assert row.actor_id == staff.id
    assert row.detail["municipality"] == "Alfaby" and row.detail["source"] == SOURCE
    assert _audit("consultation_position") == []


def test_the_municipalitys_own_people_replace_a_position_entered_on_its_behalf(ctx):
    world = ctx
    response = _response()
    review.submit_for_review(response, world.person("convener"))
    alpha = db.session.get(Municipality, world.ids.alpha)
    entered = review.record_position_on_behalf(response, world.person("secretariat"), alpha,
                                               source=SOURCE, stance=Stance.BEHIND)
    seen = entered.lock_version
    position = review.record_position(response, world.person("director"), alpha,
                                      stance=Stance.AGAINST, statement="Nej.",
                                      expected_version=seen)
    assert position.id == entered.id
    assert (position.entered_on_behalf, position.source) == (False, "")
    assert position.recorded_by == world.person("director")
    # The secretariat, still looking at its own version, is stopped and told who changed it.
    with pytest.raises(RuleError, match="har ändrat Alfaby"):
        review.record_position_on_behalf(response, world.person("secretariat"), alpha,
                                         source=SOURCE, stance=Stance.BEHIND,
                                         expected_version=seen)
    assert position.stance == Stance.AGAINST


def test_the_letter_shows_who_entered_each_position(ctx):
    world = ctx
    response = _response()
    review.submit_for_review(response, world.person("convener"))
    alpha = db.session.get(Municipality, world.ids.alpha)
    beta = db.session.get(Municipality, world.ids.beta)
    review.record_position_on_behalf(response, world.person("secretariat"), alpha,
                                     source=SOURCE, stance=Stance.BEHIND)
    review.record_position(response, world.person("other_director"), beta,
                           stance=Stance.BEHIND)
    db.session.commit()
    stances = {s.municipality: s for s in export.letter_for(response).stances}
    assert stances["Alfaby"].on_behalf and stances["Alfaby"].source == SOURCE
    assert not stances["Betaholm"].on_behalf
    doc = read(export.letter_for(response))
    rows = {row.cells[0].text: [c.text for c in row.cells] for row in doc.tables[1].rows}
    staff, director = world.person("secretariat"), world.person("other_director")
    assert rows["Alfaby"][3] == f"Kansliet ({staff.name}) {SOURCE}"
    assert rows["Betaholm"][3].startswith(director.name)
    assert rows["Gammastad"][1:] == ["Har inte tagit ställning", "–", "–"]


# ---------------------------------------------------------------- adopting with changes


def _texts(response, **changes) -> dict[int, str]:
    texts = {s.id: s.body for s in response.live_sections}
    texts.update({SECTION_IDS[int(key[1:])]: value for key, value in changes.items()})
    return texts


def test_the_committee_adopts_with_its_own_changes_to_the_text(ctx):
    world = ctx
    response = _to_committee(world)
    chair = world.person("committee")
    received = response.snapshots[0]
    assert received.status == S.COMMITTEE_REVIEW
    new_summary = "Kommunerna välkomnar planen och vill se Spårväg syd före 2035."

    event = review.committee_decision(
        response, chair, "adopt_changes", meeting_on=clock.today(), adopt_anyway=True,
        presenter_name="Kalle Sammankallande", texts=_texts(response, s0=new_summary))
    db.session.commit()

    assert response.status == S.ADOPTED
    assert event.kind == EventKind.ADOPTED and event.meeting_on == clock.today()
    summary = svc.get_section(response, SECTION_IDS[0])
    assert summary.body == new_summary and summary.updated_by == chair
    revision = db.session.scalar(select(SectionRevision).where(
        SectionRevision.section_id == summary.id).order_by(SectionRevision.number.desc()))
    assert (revision.number, revision.body, revision.created_by) == (2, new_summary, chair)
    # The untouched section got no new revision.
    assert [r.number for r in svc.get_section(response, SECTION_IDS[1]).revisions] == [1]
    # The adopted text is a snapshot of its own, named for it, that the event links to.
    adopted = event.snapshot
    assert adopted.name.startswith("Antaget med ändringar av samarbetskommittén")
    assert adopted.status == S.ADOPTED
    changes = review.committee_changes(response)
    assert (changes.received, changes.adopted) == (received, adopted)
    assert changes.meeting_on == clock.today()
    diff = svc.compare_sections(changes.received.sections, changes.adopted.sections)
    assert [c.kind for c in diff] == ["changed", "same"]
    [row] = _audit("consultation_adopted_with_changes")
    assert row.actor_id == chair.id and row.detail["sections"] == [SECTION_IDS[0]]
    assert _audit("consultation_adopted") == []
    # The letter says what the committee adopted.
    assert new_summary in texts(read(export.letter_for(response)))
    # The secretariat's mail says the committee changed the text.
    bodies = [m.body for m in db.session.scalars(select(OutgoingMail).where(
        OutgoingMail.subject.startswith("Antaget remissvar")))]
    assert bodies and all("med ändringar den" in body for body in bodies)


def test_a_plain_adoption_has_no_committee_changes(ctx):
    world = ctx
    response = _to_committee(world)
    review.committee_decision(response, world.person("committee"), "adopt",
                              meeting_on=clock.today(), adopt_anyway=True,
                              texts=_texts(response))
    db.session.commit()
    assert response.status == S.ADOPTED
    assert review.committee_changes(response) is None
    assert response.events[-1].snapshot.name.startswith("Antaget av samarbetskommittén")


def test_typed_changes_are_never_dropped_unnoticed(ctx):
    world = ctx
    response = _to_committee(world)
    chair = world.person("committee")
    changed = _texts(response, s1="Fler tvärförbindelser, och snabbare.")
    cases = [
        # Adopting with changes needs a change (whitespace is none) ...
        ("adopt_changes", _texts(response, s0="Kommunerna välkomnar planen.  \n"), "decision"),
        # ... a plain adoption or a return with changed text is refused, text kept in the form.
        ("adopt", changed, "decision"),
        ("return", changed, "decision"),
    ]
    for decision, texts_, field in cases:
        with pytest.raises(RuleError) as caught:
            review.committee_decision(response, chair, decision, meeting_on=clock.today(),
                                      reason="Skäl.", adopt_anyway=True, texts=texts_)
        assert caught.value.field == field, decision
        db.session.rollback()
    # The decision's date follows the rules of a plain adoption.
    with pytest.raises(RuleError) as caught:
        review.committee_decision(response, chair, "adopt_changes", adopt_anyway=True,
                                  meeting_on=clock.today() + timedelta(days=1), texts=changed)
    assert caught.value.field == "meeting_on"
    db.session.rollback()
    # And the missing positions too.
    with pytest.raises(RuleError) as caught:
        review.committee_decision(response, chair, "adopt_changes", meeting_on=clock.today(),
                                  texts=changed)
    assert caught.value.field == "adopt_anyway"
    db.session.rollback()
    response = _response()
    assert response.status == S.COMMITTEE_REVIEW
    assert svc.get_section(response, SECTION_IDS[1]).body == "Fler tvärförbindelser."


def test_adopting_with_changes_is_refused_outside_the_committees_review(ctx):
    world = ctx
    response = _response()
    review.submit_for_review(response, world.person("convener"))
    with pytest.raises(svc.TransitionRefused):
        review.committee_decision(response, world.person("committee"), "adopt_changes",
                                  meeting_on=clock.today(), adopt_anyway=True,
                                  texts=_texts(response, s0="Ändrat."))
    assert svc.get_section(response, SECTION_IDS[0]).body == "Kommunerna välkomnar planen."


# ---------------------------------------------------------------- after a return


def test_after_a_return_the_network_compares_with_the_text_as_returned(ctx):
    world = ctx
    response = _response()
    review.submit_for_review(response, world.person("convener"))
    event = review.management_decision(response, world.person("director"), "return",
                                       reason="Kortare.")
    db.session.commit()
    base = review.baseline(response)
    assert base is not None and base.id == event.snapshot_id and base.status == S.RETURNED
    section = svc.get_section(response, SECTION_IDS[0])
    svc.save_section(section, world.person("member"), expected_version=section.lock_version,
                     title=section.title, body="Kort.")
    db.session.commit()
    changes = svc.compare_sections(base.sections, svc.section_state(response))
    assert [c.kind for c in changes] == ["changed", "same"]
