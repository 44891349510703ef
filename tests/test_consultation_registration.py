"""Registering a referral (remiss) and routing it: the secretariat registers one for any
network from the responses board, the network's convener and members are mailed and see it on
their start page until the network decides; a referral that looks like a pending one is
registered only when confirmed; and a referral registered for the wrong network is moved to
another before anyone has started on it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from intranet import clock
from intranet.audit.models import AuditEvent
from intranet.consultations import services as svc
from intranet.consultations.models import (
    ConsultationResponse,
    MunicipalPosition,
    ReferralDocument,
    ResponseSection,
    ResponseSnapshot,
    ResponseStatus,
    SectionComment,
    SectionRevision,
)
from intranet.documents.models import Document
from intranet.extensions import db
from intranet.notifications.models import OutgoingMail
from intranet.org.models import Appointment, Network
from tests.conftest import appoint, make_person
from tests.consultation_fixtures import RESPONSE_ID, build_consultations

S = ResponseStatus
BOARD_FORM = "/remissvar/registrera"


def details(**fields) -> svc.Details:
    values = {"title": "Regional cykelplan", "referring_body": "Region Stockholm",
              "reference_number": "RS 2026-0412", "deadline": date(2027, 1, 15)}
    values.update(fields)
    return svc.Details(**values)


def pending(world, network_key="network", **fields) -> int:
    """A response already registered, waiting for its network (in the app context)."""
    values = {"title": "Regional cykelplan", "referring_body": "Region Stockholm",
              "reference_number": "RS 2026-0412", "deadline": date(2027, 1, 15),
              "status": S.TRIAGE}
    values.update(fields)
    response = ConsultationResponse(network=world.network(network_key), **values)
    db.session.add(response)
    db.session.commit()
    return response.id


def mailed(app, template_subject: str = "") -> dict[int, list[str]]:
    """Queued mail by person: their subjects (those starting with `template_subject`)."""
    with app.app_context():
        rows = db.session.execute(select(OutgoingMail.person_id, OutgoingMail.subject)
                                  .order_by(OutgoingMail.id)).all()
    found: dict[int, list[str]] = {}
    for person_id, subject in rows:
        if subject.startswith(template_subject):
            found.setdefault(person_id, []).append(subject)
    return found


def board_form(world, **overrides) -> dict:
    data = {"network_id": str(world.ids.network), "title": "Regional cykelplan",
            "referring_body": "Region Stockholm", "reference_number": "RS 2026-0412",
            "received_on": "2026-12-01", "deadline": "2027-01-15",
            "referral_links": "Remissen https://example.org/cykelplan",
            f"case_{world.ids.alpha}": "KS 2026/77"}
    data.update(overrides)
    return data


# ---------------------------------------------------------------- duplicates, as services


def test_the_same_sender_and_title_is_found_whatever_the_case_and_spacing(app_ctx, world):
    existing = pending(world, reference_number="")
    found = svc.find_duplicates("  regional   CYKELPLAN ", "region stockholm", "")
    assert [(d.response.id, d.same_number, d.same_title) for d in found] == [
        (existing, False, True)]
    # The same title from another sender is another referral.
    assert svc.find_duplicates("Regional cykelplan", "Trafikverket", "") == []


def test_the_same_diarienummer_is_found_with_other_spacing_and_case(app_ctx, world):
    existing = pending(world, title="Annan titel")
    found = svc.find_duplicates("Helt ny titel", "Trafikverket", "rs  2026-0412")
    assert [(d.response.id, d.same_number, d.same_title) for d in found] == [
        (existing, True, False)]
    # An empty diarienummer matches no other empty one.
    pending(world, title="Tredje", reference_number="")
    assert svc.find_duplicates("Något annat", "Trafikverket", "") == []


def test_a_title_is_the_same_without_punctuation_or_a_leading_remiss(app_ctx, world):
    existing = pending(world, title="Kollektivtrafikplan 2050", reference_number="")
    for title, sender in (("Kollektivtrafikplan 2050.", "Region Stockholm"),
                          ("Remiss: Kollektivtrafikplan 2050", "Region Stockholm."),
                          ("remiss – kollektivtrafikplan, 2050!", " region  stockholm"),
                          ("Kollektivtrafikplan – 2050", "Region Stockholm"),
                          ("”Kollektivtrafikplan 2050”", "Region Stockholm")):
        found = svc.find_duplicates(title, sender, "")
        assert [(d.response.id, d.same_title) for d in found] == [(existing, True)], title
    # Another year, or letters run together, is another title; so is "Remissvar: …".
    for title in ("Kollektivtrafikplan 2051.", "Kollektivtrafikplan2050",
                  "Remissvar: Kollektivtrafikplan 2050"):
        assert svc.find_duplicates(title, "Region Stockholm", "") == [], title


def test_a_pending_title_with_remiss_before_it_is_found_without(app_ctx, world):
    existing = pending(world, title="Remiss – Regional cykelplan.", reference_number="")
    assert [d.response.id for d in svc.find_duplicates(
        "Regional cykelplan", "Region Stockholm", "")] == [existing]


def test_a_diarienummer_keeps_its_slashes_and_dashes_but_not_its_ends(app_ctx, world):
    existing = pending(world, title="Annan titel", reference_number="KS 2026/77-3")
    for number in ("ks 2026/77-3.", " KS2026/77–3 ", "(KS 2026/77-3)", "KS 2026 / 77 - 3"):
        found = svc.find_duplicates("Ny titel", "Trafikverket", number)
        assert [(d.response.id, d.same_number) for d in found] == [(existing, True)], number
    for number in ("KS 2026-77-3", "KS 2026/773", "KS 2026/77/3", "KS 2026/77-3/1"):
        assert svc.find_duplicates("Ny titel", "Trafikverket", number) == [], number
    # Punctuation alone is no diarienummer.
    pending(world, title="Tredje", reference_number="–")
    assert svc.find_duplicates("Ny titel", "Trafikverket", "-.") == []


def test_only_pending_referrals_of_active_networks_count(app_ctx, world):
    pending(world, status=S.SENT)
    pending(world, status=S.NOT_ANSWERING, no_answer_reason="Berör inte kommunerna.")
    pending(world, status=S.INDIVIDUAL, deadline=clock.today() - timedelta(days=1))
    archived = Network(name="Gamla nätverket", short_name="GAMLA", slug="gamla",
                       archived_at=clock.utcnow())
    db.session.add(ConsultationResponse(network=archived, title="Regional cykelplan",
                                        referring_body="Region Stockholm", status=S.TRIAGE))
    db.session.commit()
    assert svc.find_duplicates("Regional cykelplan", "Region Stockholm", "RS 2026-0412") == []
    # Individual answers are followed until their deadline; an adopted one is not sent yet.
    followed = pending(world, status=S.INDIVIDUAL, deadline=clock.today())
    adopted = pending(world, status=S.ADOPTED)
    assert {d.response.id for d in svc.find_duplicates(
        "Regional cykelplan", "Region Stockholm", "")} == {followed, adopted}


def test_a_likely_duplicate_is_registered_only_when_confirmed(app_ctx, world):
    existing = pending(world)
    staff = world.person("secretariat")
    with pytest.raises(svc.PossibleDuplicate) as warning:
        svc.register_referral(world.network("other_network"), staff, details())
    assert [d.response.id for d in warning.value.duplicates] == [existing]
    assert warning.value.field == "register_anyway"
    db.session.rollback()
    assert db.session.scalar(select(func.count(ConsultationResponse.id))) == 1
    registered = svc.register_referral(world.network("other_network"), staff, details(),
                                       anyway=True)
    db.session.commit()
    audit = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "consultation_registered_anyway"))
    assert audit.object_id == registered.response.id
    assert audit.detail["duplicates"] == [existing]


def test_a_duplicate_the_author_may_not_see_is_not_named(app_ctx, world):
    pending(world, "other_network")
    registered = svc.register_referral(world.network(), world.person("member"), details(),
                                       visible=lambda response: False)
    assert registered.response.network_id == world.ids.network


# ---------------------------------------------------------------- who is told, as services


def test_the_secretariat_registering_mails_the_convener_and_members_once(app, app_ctx,
                                                                         world):
    network = world.network()
    # A member with two appointments (for two municipalities) gets one mail; a member
    # whose appointment has ended, an inactive one and another network's member get none.
    twice = make_person("Tova Tvåsits", None, "Planeringschef")
    appoint(network, twice, db.session.get(Appointment, world.ids.member_appointment)
            .municipality)
    appoint(network, twice, world.person("convener").municipality)
    former = make_person("Frida Förra", None, "Planeringschef")
    appoint(network, former, world.person("member").municipality,
            to_date=clock.today() - timedelta(days=1))
    inactive = make_person("Ivar Inaktiv", None, "Planeringschef", active=False)
    appoint(network, inactive, world.person("member").municipality)
    # The registering person is a member too: they are not mailed about their own work.
    staff = world.person("secretariat")
    appoint(network, staff, world.person("member").municipality)
    db.session.commit()
    registered = svc.register_referral(network, staff, details())
    db.session.commit()
    told = mailed(app)
    assert set(told) == {world.ids.member, world.ids.convener, twice.id}
    assert all(len(subjects) == 1 for subjects in told.values())
    assert registered.told == 3
    assert told[world.ids.convener] == [
        "Ny remiss för Planeringsnätverket: Regional cykelplan"]
    body = db.session.scalar(select(OutgoingMail.body).where(
        OutgoingMail.person_id == world.ids.member))
    assert "Kansliet har registrerat en ny remiss för Planeringsnätverket" in body
    assert f"/natverk/plan/remissvar/{registered.response.id}" in body


def test_a_member_registering_in_their_own_network_mails_nobody(app, app_ctx, world):
    registered = svc.register_referral(world.network(), world.person("member"), details())
    db.session.commit()
    assert registered.told == 0
    assert mailed(app) == {}


# ---------------------------------------------------------------- moving, as services


def triage_response(world, **fields) -> ConsultationResponse:
    response = ConsultationResponse(
        network=world.network(), title="Regional cykelplan", referring_body="Region Stockholm",
        deadline=date(2027, 1, 15), status=S.TRIAGE, **fields)
    db.session.add(response)
    db.session.commit()
    return response


def joint_template(world) -> ConsultationResponse:
    response = triage_response(world)
    svc.decide(response, world.person("convener"), S.DRAFT)
    db.session.commit()
    return response


def test_drafting_starts_with_text_a_second_revision_a_comment_a_version_or_a_position(
        app_ctx, world):
    assert not svc.drafting_started(triage_response(world))
    response = joint_template(world)
    assert not svc.drafting_started(response)
    first = response.live_sections[0]
    convener = world.person("convener")

    def started_by(change) -> bool:
        savepoint = db.session.begin_nested()
        change()
        db.session.flush()
        started = svc.drafting_started(response)
        savepoint.rollback()
        return started

    assert started_by(lambda: setattr(first, "body", "Kommunerna välkomnar planen."))
    assert started_by(lambda: db.session.add(SectionRevision(
        section=first, number=2, title=first.title, body="", created_by=convener)))
    assert started_by(lambda: db.session.add(SectionComment(
        section=first, author=convener, body="Vem skriver?")))
    assert started_by(lambda: db.session.add(ResponseSnapshot(
        response=response, name="Mallen", status=S.DRAFT, sections=[])))
    assert started_by(lambda: db.session.add(MunicipalPosition(
        response=response, municipality_id=world.ids.alpha, stance="behind")))
    assert started_by(lambda: setattr(response, "status", S.INDIVIDUAL))
    # An empty section added to the template is no start either.
    svc.add_section(response, convener, "Synpunkter: Kapitel 2")
    assert not svc.drafting_started(response)


def test_a_move_takes_the_referral_to_the_new_network_and_tells_it(app, app_ctx, world):
    document = Document(network_id=world.ids.network, title="Remissversion.pdf",
                        kind="file", visibility="network")
    db.session.add(document)
    db.session.flush()
    response = triage_response(world, contact_person_id=world.ids.convener,
                               reference_number="RS 2026-0412")
    response.referral_documents.append(ReferralDocument(document_id=document.id))
    db.session.commit()
    moved = svc.move_response(response, world.person("secretariat"),
                              world.network("other_network"))
    db.session.commit()
    db.session.expire_all()
    response = db.session.get(ConsultationResponse, response.id)
    assert response.network_id == world.ids.other_network
    assert response.contact_person_id is None  # Kalle is not in the climate network
    assert response.referral_documents == []
    assert db.session.get(Document, document.id).network_id == world.ids.network
    assert moved.old_network.id == world.ids.network
    assert moved.documents_left == ["Remissversion.pdf"]
    assert mailed(app, "Remiss flyttad till") == {world.ids.other_member: [
        "Remiss flyttad till Klimatnätverket: Regional cykelplan"]}
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "consultation_moved"))
    assert (audit.detail["from_network_id"], audit.detail["to_network_id"]) == (
        world.ids.network, world.ids.other_network)
    assert svc.moved_away(world.network(), response.id) == response
    assert svc.moved_away(world.network("other_network"), response.id) is None


def test_a_move_tells_the_old_network_once_and_a_person_in_both_only_of_the_new(
        app, app_ctx, world):
    network, climate = world.network(), world.network("other_network")
    # A member of both networks; a member of the old one appointed twice.
    both = make_person("Bo Båda", None, "Planeringschef")
    appoint(network, both, world.person("member").municipality)
    appoint(climate, both, world.person("member").municipality)
    appoint(network, world.person("member"), world.person("convener").municipality)
    db.session.commit()
    response = triage_response(world)
    moved = svc.move_response(response, world.person("secretariat"), climate)
    db.session.commit()
    assert (moved.told, moved.told_old) == (2, 2)
    assert mailed(app) == {
        world.ids.other_member: ["Remiss flyttad till Klimatnätverket: Regional cykelplan"],
        both.id: ["Remiss flyttad till Klimatnätverket: Regional cykelplan"],
        world.ids.member: ["Remiss flyttad från Planeringsnätverket: Regional cykelplan"],
        world.ids.convener: ["Remiss flyttad från Planeringsnätverket: Regional cykelplan"],
    }
    body = db.session.scalar(select(OutgoingMail.body).where(
        OutgoingMail.person_id == world.ids.member))
    assert ("Kansliet har flyttat remissen ”Regional cykelplan” från Region Stockholm till "
            "Klimatnätverket (flyttad av Sam Kansli). Den hanteras inte längre av "
            "Planeringsnätverket.") in body
    assert "bland Planeringsnätverkets remissvar" in body
    # The climate network's responses are not the planning network's to read: no link.
    assert "/remissvar/" not in body


def test_a_moved_referral_leaves_the_old_networks_start_page(app, world, login_as):
    staff = login_as("secretariat")
    assert staff.post(BOARD_FORM, board_form(world)).status_code == 303
    with app.app_context():
        response_id = db.session.scalar(select(ConsultationResponse.id))
    assert "Ny remiss:" in login_as("member").get("/").get_data(as_text=True)
    assert staff.post(f"/natverk/plan/remissvar/{response_id}/flytta",
                      {"target_network_id": str(world.ids.other_network)}).status_code == 303
    for role in ("member", "convener"):
        page = login_as(role).get("/").get_data(as_text=True)
        assert "Ny remiss:" not in page and f"/remissvar/{response_id}" not in page, role
    assert (f'Ny remiss:</strong> <a href="/natverk/klimat/remissvar/{response_id}">'
            in login_as("other_member").get("/").get_data(as_text=True))


def test_why_a_referral_can_no_longer_move_names_what_the_network_has_done(app_ctx, world):
    assert svc.move_refusal(triage_response(world)) is None
    response = joint_template(world)
    assert svc.move_refusal(response) is None
    first, second = response.live_sections[:2]
    convener = world.person("convener")
    first.body = "Kommunerna välkomnar planen."
    db.session.add_all([
        SectionComment(section=second, author=convener, body="Vem skriver?"),
        SectionComment(section=second, author=convener, body="Jag gör det."),
        ResponseSnapshot(response=response, name="Första utkastet", status=S.DRAFT,
                         sections=[]),
    ])
    db.session.flush()
    assert svc.move_refusal(response) == (
        "Remissen kan inte flyttas längre: arbetet med svaret har börjat (det finns text i "
        "1 avsnitt, 2 kommentarer och 1 sparad version). Ska ett annat nätverk svara på den: "
        "registrera remissen där.")
    with pytest.raises(svc.MoveRefused) as refused:
        svc.move_response(response, world.person("secretariat"),
                          world.network("other_network"))
    assert str(refused.value) == svc.move_refusal(response)
    # A section renamed without text is a start too, named as such.
    other = triage_response(world)
    svc.decide(other, convener, S.DRAFT)
    section = other.live_sections[0]
    db.session.add(SectionRevision(section=section, number=2, title="Kort sammanfattning",
                                   body="", created_by=convener))
    db.session.add(MunicipalPosition(response=other, municipality_id=world.ids.alpha,
                                     stance="behind"))
    db.session.flush()
    assert svc.move_refusal(other).startswith(
        "Remissen kan inte flyttas längre: arbetet med svaret har börjat (det finns "
        "ändringar i avsnitten och 1 kommuns ställningstagande).")
    # Past a joint draft, the decision or the review path says why.
    for status, reason in (
            (S.INDIVIDUAL, "nätverket har beslutat att kommunerna svarar var för sig."),
            (S.MANAGEMENT_REVIEW, "svaret granskas av ledningsgruppen."),
            (S.RETURNED, "svaret har granskats och återremitterats till nätverket.")):
        other.status = status
        assert svc.move_refusal(other).startswith(
            f"Remissen kan inte flyttas längre: {reason} Ska ett annat nätverk"), status
    other.status = S.SENT
    assert svc.move_refusal(other) == "Remissen kan inte flyttas: svaret är skickat."


def test_a_move_is_refused_once_drafting_has_started_or_to_no_other_network(app_ctx, world):
    response = joint_template(world)
    staff = world.person("secretariat")
    with pytest.raises(svc.RuleError) as same:
        svc.move_response(response, staff, world.network())
    assert same.value.field == "target_network_id"
    archived = Network(name="Gamla nätverket", short_name="GAMLA", slug="gamla",
                       archived_at=clock.utcnow())
    db.session.add(archived)
    db.session.flush()
    with pytest.raises(svc.RuleError):
        svc.move_response(response, staff, archived)
    response.live_sections[0].body = "Kommunerna välkomnar planen."
    db.session.commit()
    with pytest.raises(svc.MoveRefused):
        svc.move_response(response, staff, world.network("other_network"))
    db.session.rollback()
    assert db.session.get(ConsultationResponse, response.id).network_id == world.ids.network


def test_a_response_never_moved_is_not_found_at_another_network(app_ctx, world):
    response = triage_response(world)
    assert svc.moved_away(world.network("other_network"), response.id) is None
    assert svc.moved_away(world.network(), 999_999) is None


# ---------------------------------------------------------------- the board's form


def test_the_board_offers_registration_to_the_secretariat_only(app, world, login_as):
    page = login_as("secretariat").get("/remissvar/").get_data(as_text=True)
    assert f'href="{BOARD_FORM}"' in page
    for role in ("director", "committee"):
        assert BOARD_FORM not in login_as(role).get("/remissvar/").get_data(as_text=True)


@pytest.mark.parametrize("role", ["member", "convener", "director", "committee",
                                  "other_member"])
def test_nobody_but_the_secretariat_registers_from_the_board(app, world, login_as, role):
    client = login_as(role)
    assert client.get(BOARD_FORM).status_code == 403
    assert client.post(BOARD_FORM, board_form(world)).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(ConsultationResponse.id))) == 0
        assert db.session.scalar(select(func.count(OutgoingMail.id))) == 0


def test_the_secretariat_registers_a_referral_for_a_network_from_the_board(app, world,
                                                                           login_as):
    staff = login_as("secretariat")
    form = staff.get(BOARD_FORM).get_data(as_text=True)
    assert 'id="network_id"' in form and "Planeringsnätverket" in form
    response = staff.post(BOARD_FORM, board_form(world))
    assert response.status_code == 303
    with app.app_context():
        created = db.session.scalar(select(ConsultationResponse))
        assert (created.network_id, created.status, created.created_by_id) == (
            world.ids.network, S.TRIAGE, world.ids.secretariat)
        assert created.reference_number == "RS 2026-0412"
        assert [c.case_number for c in created.case_numbers] == ["KS 2026/77"]
        created_id = created.id
    assert response.headers["Location"].endswith(f"/natverk/plan/remissvar/{created_id}")
    page = staff.get(response.headers["Location"]).get_data(as_text=True)
    assert "Remissen är registrerad för Planeringsnätverket. 2 personer i nätverket får " \
           "e-post om remissen." in page
    assert set(mailed(app, "Ny remiss för Planeringsnätverket")) == {world.ids.member,
                                                                     world.ids.convener}


def test_the_board_form_needs_a_network_from_its_list(app, world, login_as):
    staff = login_as("secretariat")
    for value, message in (("", "Välj vilket nätverk som ska svara på remissen."),
                           ("999999", "Välj ett av nätverken i listan."),
                           ("99999999999999999999", "Välj ett av nätverken i listan.")):
        refused = staff.post(BOARD_FORM, board_form(world, network_id=value))
        assert refused.status_code == 422
        page = refused.get_data(as_text=True)
        assert message in page
        assert 'value="Regional cykelplan"' in page and 'value="KS 2026/77"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count(ConsultationResponse.id))) == 0


def test_the_duplicate_warning_keeps_the_input_and_registers_when_confirmed(app, world,
                                                                            login_as):
    with app.app_context():
        existing = pending(world, "other_network", title="Regional Cykelplan ")
    staff = login_as("secretariat")
    warned = staff.post(BOARD_FORM, board_form(world, reference_number=""))
    assert warned.status_code == 422
    page = warned.get_data(as_text=True)
    assert "Remissen verkar redan vara registrerad" in page
    assert f'href="/natverk/klimat/remissvar/{existing}"' in page
    assert "samma avsändare och titel" in page
    assert 'name="register_anyway"' in page
    # What was typed is all there.
    for kept in ('value="Regional cykelplan"', 'value="Region Stockholm"',
                 'value="2027-01-15"', 'value="KS 2026/77"',
                 "Remissen https://example.org/cykelplan",
                 f'<option selected value="{world.ids.network}"'):
        assert kept in page, kept
    with app.app_context():
        assert db.session.scalar(select(func.count(ConsultationResponse.id))) == 1
    confirmed = staff.post(BOARD_FORM, board_form(world, reference_number="",
                                                  register_anyway="y"))
    assert confirmed.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count(ConsultationResponse.id))) == 2


def test_the_networks_own_form_warns_of_the_same_diarienummer_too(app, world, login_as):
    with app.app_context():
        existing = pending(world, title="Något helt annat")
    client = login_as("convener")
    data = {"title": "Cykelplanen", "referring_body": "Region Stockholm",
            "reference_number": "RS 2026-0412", "deadline": "2027-01-15",
            "answer": "triage", "contact_person_id": ""}
    warned = client.post("/natverk/plan/remissvar/nytt", data)
    assert warned.status_code == 422
    page = warned.get_data(as_text=True)
    assert f'href="/natverk/plan/remissvar/{existing}"' in page
    assert "samma diarienummer" in page and 'value="Cykelplanen"' in page
    assert client.post("/natverk/plan/remissvar/nytt",
                       {**data, "register_anyway": "y"}).status_code == 303


def test_a_member_is_not_warned_of_a_referral_in_a_network_they_cannot_see(app, world,
                                                                          login_as):
    with app.app_context():
        pending(world, "other_network")
    response = login_as("member").post("/natverk/plan/remissvar/nytt", {
        "title": "Regional cykelplan", "referring_body": "Region Stockholm",
        "reference_number": "RS 2026-0412", "deadline": "2027-01-15", "answer": "triage",
        "contact_person_id": ""})
    assert response.status_code == 303


# ---------------------------------------------------------------- the start page


def test_a_new_referral_waits_on_the_networks_start_pages_until_it_is_decided(app, world,
                                                                            login_as):
    staff = login_as("secretariat")
    assert staff.post(BOARD_FORM, board_form(world)).status_code == 303
    with app.app_context():
        response_id = db.session.scalar(select(ConsultationResponse.id))
    item = (f'Ny remiss:</strong> <a href="/natverk/plan/remissvar/{response_id}">'
            "Regional cykelplan</a> – svar senast 15 januari 2027")
    for role in ("member", "convener"):
        page = login_as(role).get("/").get_data(as_text=True)
        assert item in page, role
        # Once: not again as the convener's decision to make.
        assert page.count(f"/natverk/plan/remissvar/{response_id}\"") == 1, role
    assert "Ny remiss:" not in login_as("other_member").get("/").get_data(as_text=True)
    convener = login_as("convener")
    assert convener.post(f"/natverk/plan/remissvar/{response_id}/beslut",
                         {"answer": "individual"}).status_code == 303
    for role in ("member", "convener"):
        assert "Ny remiss:" not in login_as(role).get("/").get_data(as_text=True)


# ---------------------------------------------------------------- moving over HTTP


def test_the_secretariat_moves_a_referral_and_its_old_address_leads_there(app, world,
                                                                         login_as):
    with app.app_context():
        response_id = pending(world)
    old = f"/natverk/plan/remissvar/{response_id}"
    staff = login_as("secretariat")
    page = staff.get(old).get_data(as_text=True)
    assert "Flytta remissen till ett annat nätverk" in page
    assert f'action="{old}/flytta"' in page
    # Not for anyone else who reads the response.
    for role in ("member", "convener", "director"):
        assert "/flytta\"" not in login_as(role).get(old).get_data(as_text=True), role
    moved = staff.post(f"{old}/flytta", {"target_network_id": str(world.ids.other_network)})
    assert moved.status_code == 303
    new = f"/natverk/klimat/remissvar/{response_id}"
    assert moved.headers["Location"].endswith(new)
    shown = staff.get(new).get_data(as_text=True)
    assert "Remissen är flyttad till Klimatnätverket. 1 person i nätverket får e-post om " \
           "remissen. 2 personer i Planeringsnätverket får e-post om att den har flyttats " \
           "därifrån." in shown
    assert mailed(app, "Remiss flyttad till") == {world.ids.other_member: [
        "Remiss flyttad till Klimatnätverket: Regional cykelplan"]}
    assert set(mailed(app, "Remiss flyttad från Planeringsnätverket")) == {
        world.ids.member, world.ids.convener}
    # The old address leads to the new one, a post kept whole (307); the old network's
    # members, who cannot see the climate network's responses, find nothing there.
    followed = staff.get(f"{old}/historik")
    assert followed.status_code == 307
    assert followed.headers["Location"].endswith(f"{new}/historik")
    assert login_as("other_member").get(old).status_code == 307
    assert login_as("member").get(old).status_code == 404
    assert login_as("other_member").get(new).status_code == 200


def test_a_move_without_a_network_comes_back_with_the_error(app, world, login_as):
    with app.app_context():
        response_id = pending(world)
    refused = login_as("secretariat").post(f"/natverk/plan/remissvar/{response_id}/flytta",
                                           {"target_network_id": ""})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Välj nätverket som remissen ska flyttas till." in page
    assert '<details class="fieldset" id="relocate" open>' in page


def test_a_move_is_refused_with_a_message_once_drafting_has_started(app, world, login_as):
    build_consultations(app, world)  # a joint draft with text
    url = f"/natverk/plan/remissvar/{RESPONSE_ID}"
    staff = login_as("secretariat")
    page = staff.get(url).get_data(as_text=True)
    assert "Flytta remissen" not in page
    # Where the form was, the secretariat reads why it is gone.
    why = ('<p class="muted" id="relocate">Remissen kan inte flyttas längre: arbetet med '
           "svaret har börjat (det finns text i ")
    assert why in page
    for role in ("member", "convener", "director"):
        assert 'id="relocate"' not in login_as(role).get(url).get_data(as_text=True), role
    refused = staff.post(f"{url}/flytta", {"target_network_id": str(world.ids.other_network)})
    assert refused.status_code == 303
    page = staff.get(refused.headers["Location"]).get_data(as_text=True)
    assert "Remissen kan inte flyttas längre: arbetet med svaret har börjat (det finns" in page
    with app.app_context():
        assert db.session.get(ConsultationResponse, RESPONSE_ID).network_id == world.ids.network
        assert db.session.scalar(select(func.count(OutgoingMail.id))) == 0


@pytest.mark.parametrize(("role", "status"), [("member", 403), ("convener", 403),
                                              ("director", 403), ("committee", 403),
                                              ("other_member", 404)])
def test_nobody_but_the_secretariat_moves_a_referral(app, world, login_as, role, status):
    with app.app_context():
        response_id = pending(world)
    refused = login_as(role).post(f"/natverk/plan/remissvar/{response_id}/flytta",
                                  {"target_network_id": str(world.ids.other_network)})
    assert refused.status_code == status
    with app.app_context():
        assert db.session.get(ConsultationResponse, response_id).network_id == world.ids.network
        assert db.session.scalar(select(func.count(OutgoingMail.id))) == 0


def test_the_template_sections_of_a_moved_draft_go_with_it(app, world, login_as):
    with app.app_context():
        response_id = joint_template(world).id
    assert login_as("secretariat").post(
        f"/natverk/plan/remissvar/{response_id}/flytta",
        {"target_network_id": str(world.ids.other_network)}).status_code == 303
    with app.app_context():
        titles = list(db.session.scalars(select(ResponseSection.title).where(
            ResponseSection.response_id == response_id)))
        assert titles == ["Sammanfattning", "Synpunkter", "Övrigt"]
        assert db.session.get(ConsultationResponse, response_id).status == S.DRAFT
    page = login_as("other_member").get(f"/natverk/klimat/remissvar/{response_id}")
    assert page.status_code == 200 and "Sammanfattning" in page.get_data(as_text=True)

