"""The review path over HTTP: the steps through their forms (errors keep what was typed), the
response page in every state for every reader, the text locked during review without losing
an edit in progress, the letter as DOCX, the board and the start page."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from docx import Document as Docx
from sqlalchemy import select

from intranet import clock
from intranet.consultations.models import ConsultationResponse, ResponseStatus
from intranet.documents.models import Document
from intranet.extensions import db
from intranet.meetings.models import Meeting
from intranet.notifications.models import OutgoingMail
from intranet.org.models import Body, BodyKind
from tests.consultation_fixtures import RESPONSE_ID, SECTION_IDS, build_consultations

R = f"/natverk/plan/remissvar/{RESPONSE_ID}"
READERS = ("member", "convener", "director", "other_director", "committee", "secretariat")


@pytest.fixture
def resp(app, world):
    return build_consultations(app, world)


def status_of(app) -> str:
    with app.app_context():
        return db.session.get(ConsultationResponse, RESPONSE_ID).status


def put_in(app, status: str) -> None:
    with app.app_context():
        db.session.get(ConsultationResponse, RESPONSE_ID).status = status
        db.session.commit()


def test_the_round_through_the_forms(app, world, resp, login_as):
    convener, chair = login_as("convener"), login_as("director")
    page = convener.get(R).get_data(as_text=True)
    assert "Skicka till ledningsgruppen" in page
    assert convener.post(f"{R}/skicka-upp").status_code == 303
    assert status_of(app) == ResponseStatus.MANAGEMENT_REVIEW

    # A return without a reason comes back with the error on the field and the choice kept.
    answer = chair.post(f"{R}/ledningsgruppen", {"mg_decision": "return", "mg_reason": ""})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert 'id="mg_reason-error"' in page and "Skriv varför" in page
    assert 'value="return" checked' in page or 'checked value="return"' in page or (
        'value="return"' in page and "checked" in page)
    assert status_of(app) == ResponseStatus.MANAGEMENT_REVIEW
    assert chair.post(f"{R}/ledningsgruppen", {"mg_decision": "return",
                                               "mg_reason": "Kortare, tack."}
                      ).status_code == 303
    page = login_as("member").get(R).get_data(as_text=True)
    assert "Kortare, tack." in page and "Återremitterat av ledningsgruppen" in page

    assert convener.post(f"{R}/skicka-upp").status_code == 303
    page = chair.get(R).get_data(as_text=True)
    assert "Visa vad som har ändrats sedan" in page
    assert chair.post(f"{R}/ledningsgruppen", {"mg_decision": "forward",
                                               "mg_meeting_on": clock.today().isoformat()}
                      ).status_code == 303
    committee = login_as("committee")
    page = committee.get(R).get_data(as_text=True)
    assert "3 kommuner har inte tagit ställning" in page
    # Adopting with positions missing needs the box ticked; the typed presenter stays.
    answer = committee.post(f"{R}/kommitten", {
        "decision": "adopt", "meeting_on": clock.today().isoformat(),
        "presenter_name": "Kalle Sammankallande", "presenter_title": "Planeringschef"})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "Kryssa i rutan" in page and 'value="Kalle Sammankallande"' in page
    for role, municipality in (("director", world.ids.alpha),
                               ("other_director", world.ids.beta)):
        assert login_as(role).post(f"{R}/stallningstagande/{municipality}",
                                   {"stance": "behind", "version": ""}).status_code == 303
    assert committee.post(f"{R}/kommitten", {
        "decision": "adopt", "meeting_on": clock.today().isoformat(), "adopt_anyway": "y",
        "presenter_name": "Kalle Sammankallande", "presenter_title": "Planeringschef"}
    ).status_code == 303
    assert status_of(app) == ResponseStatus.ADOPTED

    staff = login_as("secretariat")
    answer = staff.post(f"{R}/skickat", {"sent_on": "", "sent_to": "Region"})
    assert answer.status_code == 422
    assert staff.post(f"{R}/skickat", {"sent_on": clock.today().isoformat(),
                                       "sent_to": "Region Stockholm"}).status_code == 303
    assert status_of(app) == ResponseStatus.SENT
    with app.app_context():
        kept = db.session.scalar(select(Document).where(Document.title.like("Yttrande över%")))
        assert kept is not None and kept.network_id == world.ids.network
        # Mail went to the people who act next, through the outbox.
        subjects = set(db.session.scalars(select(OutgoingMail.subject)))
    assert any(s.startswith("Remissvar att granska") for s in subjects)
    assert any(s.startswith("Återremitterat") for s in subjects)
    assert any(s.startswith("Antaget remissvar att skicka") for s in subjects)
    assert any(s.startswith("Skickat") for s in subjects)


@pytest.mark.parametrize("status", list(ResponseStatus))
def test_the_response_page_renders_in_every_state_for_every_reader(
        app, resp, login_as, status):
    put_in(app, status)
    for role in READERS:
        answer = login_as(role).get(R)
        assert answer.status_code == 200, (status, role)


def test_the_text_is_locked_in_review_without_losing_an_edit_in_progress(app, resp, login_as):
    member = login_as("member")
    edit = f"{R}/avsnitt/{SECTION_IDS[0]}/redigera"
    assert member.get(edit).status_code == 200  # opened while still a draft
    assert login_as("convener").post(f"{R}/skicka-upp").status_code == 303
    answer = member.post(edit, {"title": "Sammanfattning", "body": "Min nya text.",
                                "version": "1"})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "Min nya text." in page and "låst" in page
    # Opening the editor now leads back to the response with a message.
    answer = member.get(edit)
    assert answer.status_code == 303 and f"{R}#section-{SECTION_IDS[0]}" in answer.location
    assert "Redigera" not in member.get(R).get_data(as_text=True)


def test_a_position_changed_meanwhile_keeps_the_typed_text(app, world, resp, login_as):
    put_in(app, ResponseStatus.MANAGEMENT_REVIEW)
    url = f"{R}/stallningstagande/{world.ids.alpha}"
    director, committee = login_as("director"), login_as("committee")
    assert director.post(url, {"stance": "behind", "version": ""}).status_code == 303
    answer = committee.post(url, {"stance": "against", "statement": "Vi säger nej.",
                                  "version": ""})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "har ändrat kommunens ställningstagande" in page and "Vi säger nej." in page
    # Their form now carries the current version: saving again replaces it.
    assert committee.post(url, {"stance": "against", "statement": "Vi säger nej.",
                                "version": "1"}).status_code == 303
    # Another municipality's position is not theirs to state.
    assert director.post(f"{R}/stallningstagande/{world.ids.beta}",
                         {"stance": "behind"}).status_code == 403
    assert director.post(f"{R}/stallningstagande/999999",
                         {"stance": "behind"}).status_code == 404


def test_the_letter_downloads_as_a_docx_yttrande(app, world, resp, login_as):
    put_in(app, ResponseStatus.MANAGEMENT_REVIEW)
    login_as("director").post(f"{R}/stallningstagande/{world.ids.alpha}", {
        "stance": "reservation", "statement": "Alfaby vill ha spårväg.",
        "decision_reference": "KS § 7"})
    answer = login_as("committee").get(f"{R}/yttrande.docx")
    assert answer.status_code == 200
    assert answer.mimetype.endswith("wordprocessingml.document")
    assert "attachment" in answer.headers["Content-Disposition"]
    letter = Docx(io.BytesIO(answer.data))
    text = "\n".join(p.text for p in letter.paragraphs)
    assert "Yttrande över Kollektivtrafikplan 2050" in text
    assert "Region Stockholm" in text and "RS 2021-0123" in text
    assert "Kommunerna välkomnar planen." in text
    assert "Alfaby vill ha spårväg." in text
    assert login_as("other_member").get(f"{R}/yttrande.docx").status_code == 404


def test_a_letter_downloaded_before_the_adoption_is_marked_as_a_draft(app, world, resp,
                                                                       login_as):
    committee = login_as("committee")
    for status in (ResponseStatus.DRAFT, ResponseStatus.COMMITTEE_REVIEW,
                   ResponseStatus.RETURNED):
        put_in(app, status)
        letter = Docx(io.BytesIO(committee.get(f"{R}/yttrande.docx").data))
        lines = [p.text for p in letter.paragraphs]
        assert lines[0] == "UTKAST – inte antaget av samarbetskommittén", status
        assert letter.sections[0].header.paragraphs[0].text == lines[0]
        assert letter.core_properties.title.startswith("Utkast: ")
        assert "Förslag till beslut i samarbetskommittén" in lines
        assert "Ordförande" not in "\n".join(lines)
    for status in (ResponseStatus.ADOPTED, ResponseStatus.SENT):
        put_in(app, status)
        letter = Docx(io.BytesIO(committee.get(f"{R}/yttrande.docx").data))
        lines = [p.text for p in letter.paragraphs]
        assert not [line for line in lines if "UTKAST" in line or "Förslag till" in line]
        assert letter.sections[0].header.paragraphs[0].text == ""
        assert "För Samarbetskommittén" in lines


def test_the_board_and_the_start_page(app, world, resp, login_as):
    with app.app_context():
        network = world.network()
        for n in range(3):
            db.session.add(ConsultationResponse(
                network=network, title=f"Remiss {n}", referring_body="Trafikverket",
                deadline=clock.today() + timedelta(days=10 - n),
                status=ResponseStatus.COMMITTEE_REVIEW))
        db.session.commit()
    page = login_as("committee").get("/remissvar/").get_data(as_text=True)
    assert "Hos samarbetskommittén" in page
    assert page.index("Remiss 2") < page.index("Remiss 1") < page.index("Remiss 0")
    chosen = login_as("secretariat").get("/remissvar/?steg=committee_review&sida=1")
    assert chosen.status_code == 200
    assert 'id="stage-draft"' not in chosen.get_data(as_text=True)
    assert 'id="stage-draft"' in page
    assert login_as("committee").get("/remissvar/?steg=nonsense&sida=x").status_code == 200
    start = login_as("committee").get("/").get_data(as_text=True)
    assert "Remissvar som väntar på dig" in start and "Kommitténs beslut ska registreras" in start
    # Another network's member is not waited for on this network's response.
    assert "Kollektivtrafikplan 2050" not in login_as("other_member").get("/").get_data(
        as_text=True)


def test_an_extension_is_recorded_with_its_reason(app, resp, login_as):
    convener = login_as("convener")
    with app.app_context():
        old = db.session.get(ConsultationResponse, RESPONSE_ID).deadline
    answer = convener.post(f"{R}/anstand", {"new_deadline": (old - timedelta(days=1)).isoformat(),
                                            "extension_reason": "Beviljat"})
    assert answer.status_code == 422
    assert "senare än det nuvarande" in answer.get_data(as_text=True)
    new = old + timedelta(days=21)
    assert convener.post(f"{R}/anstand", {"new_deadline": new.isoformat(),
                                          "extension_reason": "Region Stockholm beviljade."}
                         ).status_code == 303
    page = convener.get(R).get_data(as_text=True)
    assert "Region Stockholm beviljade." in page and "Nytt svarsdatum (anstånd)" in page


# Each step's URL, the role that may take it and the state it belongs to.
STEPS = {
    "skicka-upp": ("convener", {ResponseStatus.DRAFT, ResponseStatus.RETURNED}),
    "ledningsgruppen": ("director", {ResponseStatus.MANAGEMENT_REVIEW}),
    "kommitten": ("committee", {ResponseStatus.COMMITTEE_REVIEW}),
    "skickat": ("secretariat", {ResponseStatus.ADOPTED}),
    "anstand": ("convener", {ResponseStatus.TRIAGE, ResponseStatus.DRAFT,
                             ResponseStatus.RETURNED, ResponseStatus.MANAGEMENT_REVIEW,
                             ResponseStatus.COMMITTEE_REVIEW}),
}


@pytest.mark.parametrize("step", sorted(STEPS))
def test_every_step_is_refused_in_the_wrong_state_even_for_its_role(app, resp, login_as,
                                                                      step):
    role, states = STEPS[step]
    client = login_as(role)
    for status in ResponseStatus:
        if status in states:
            continue
        put_in(app, status)
        answer = client.post(f"{R}/{step}", {"mg_decision": "forward", "decision": "adopt",
                                             "meeting_on": clock.today().isoformat(),
                                             "adopt_anyway": "y"})
        assert answer.status_code == 403, (step, status)
        assert status_of(app) == status


def test_a_position_is_refused_outside_review(app, world, resp, login_as):
    director = login_as("director")
    for status in ResponseStatus:
        if status in (ResponseStatus.MANAGEMENT_REVIEW, ResponseStatus.COMMITTEE_REVIEW):
            continue
        put_in(app, status)
        answer = director.post(f"{R}/stallningstagande/{world.ids.alpha}", {"stance": "behind"})
        assert answer.status_code == 403, status


def _at(monkeypatch, day: date) -> None:
    """The clock moved to ten in the morning in Sweden on `day` (log in after moving it)."""
    moment = datetime.combine(day, time(10), tzinfo=clock.LOCAL_TZ)
    monkeypatch.setattr(clock, "today", lambda: day)
    monkeypatch.setattr(clock, "utcnow", lambda: moment.astimezone(UTC).replace(tzinfo=None))


def _input(page: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)


def test_a_decision_dated_before_the_answer_came_is_refused_on_the_form(app, resp, login_as,
                                                                        monkeypatch):
    with app.app_context():
        for kind, days in ((BodyKind.MANAGEMENT_GROUP, (date(2026, 11, 20), date(2026, 12, 8))),
                           (BodyKind.COMMITTEE, (date(2026, 10, 29), date(2026, 12, 10)))):
            body = db.session.scalar(select(Body).where(Body.kind == kind))
            db.session.add_all(Meeting(body=body, held_on=day) for day in days)
        db.session.commit()
    _at(monkeypatch, date(2026, 12, 7))
    assert login_as("convener").post(f"{R}/skicka-upp").status_code == 303

    # Two days later the form starts with the meeting held since the answer came.
    _at(monkeypatch, date(2026, 12, 9))
    chair = login_as("director")
    page = chair.get(R).get_data(as_text=True)
    field = _input(page, "mg_meeting_on")
    assert 'value="2026-12-08"' in field
    assert 'min="2026-12-07"' in field and 'max="2026-12-09"' in field
    assert "från 7 december 2026 (då svaret kom till ledningsgruppen) till i dag" in page

    # The meeting before it came is refused with the dates it may have; what was typed stays.
    answer = chair.post(f"{R}/ledningsgruppen", {"mg_decision": "return",
                                                 "mg_meeting_on": "2026-11-20",
                                                 "mg_reason": "Förkorta sammanfattningen."})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert ('<p class="field__error" id="mg_meeting_on-error">Beslutsdatum måste vara mellan '
            '7 december 2026 (då svaret kom till ledningsgruppen) och i dag, 9 december 2026.'
            '</p>') in page
    assert 'value="2026-11-20"' in _input(page, "mg_meeting_on")
    assert re.search(r'<input[^>]*checked[^>]*value="return"|<input[^>]*value="return"'
                     r'[^>]*checked', page)
    assert "Förkorta sammanfattningen.</textarea>" in page
    assert status_of(app) == ResponseStatus.MANAGEMENT_REVIEW

    assert chair.post(f"{R}/ledningsgruppen", {"mg_decision": "return",
                                               "mg_meeting_on": "2026-12-08",
                                               "mg_reason": "Förkorta sammanfattningen."}
                      ).status_code == 303
    page = login_as("member").get(R).get_data(as_text=True)
    assert "Återremitterat av ledningsgruppen 8 december 2026" in page

    # Up again on 9 December, on to the committee at once; its meeting of 10 December is
    # still to come the day after, so its form starts with today.
    assert login_as("convener").post(f"{R}/skicka-upp").status_code == 303
    assert chair.post(f"{R}/ledningsgruppen", {"mg_decision": "forward",
                                               "mg_meeting_on": "2026-12-09"}
                      ).status_code == 303
    committee = login_as("committee")
    field = _input(committee.get(R).get_data(as_text=True), "meeting_on")
    assert 'value="2026-12-09"' in field and 'min="2026-12-09"' in field
    answer = committee.post(f"{R}/kommitten", {"decision": "adopt", "meeting_on": "2026-10-29",
                                               "adopt_anyway": "y"})
    assert answer.status_code == 422
    assert ("Beslutsdatum måste vara i dag, 9 december 2026, eftersom svaret kom till "
            "samarbetskommittén i dag.") in answer.get_data(as_text=True)
    _at(monkeypatch, date(2026, 12, 11))
    committee = login_as("committee")
    assert 'value="2026-12-10"' in _input(committee.get(R).get_data(as_text=True),
                                          "meeting_on")
