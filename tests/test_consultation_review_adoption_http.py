"""Over HTTP: the secretariat's form for a municipality's position (what was typed kept on an
error, a position changed meanwhile not overwritten), the committee's adoption with changes
through its form and the diff it leaves, the letter that follows, and "what changed" for the
network after a return."""

from __future__ import annotations

import html
import io
import re

import pytest
from docx import Document as Docx

from intranet import clock
from intranet.consultations.models import ConsultationResponse, MunicipalPosition
from intranet.extensions import db
from tests.consultation_fixtures import RESPONSE_ID, SECTION_IDS, build_consultations

R = f"/natverk/plan/remissvar/{RESPONSE_ID}"
BEHALF = f"{R}/stallningstagande-for-kommun"
SOURCE = "enligt e-post från kommundirektören den 3 december 2026"


@pytest.fixture
def resp(app, world):
    return build_consultations(app, world)


def _status(app) -> str:
    with app.app_context():
        return db.session.get(ConsultationResponse, RESPONSE_ID).status


def _position(app, municipality_id: int) -> tuple | None:
    """(stance, entered on behalf, source) of the municipality's position, if any."""
    with app.app_context():
        position = db.session.query(MunicipalPosition).filter_by(
            response_id=RESPONSE_ID, municipality_id=municipality_id).one_or_none()
        return (None if position is None
                else (position.stance, position.entered_on_behalf, position.source))


def _inserted(page: str) -> list[str]:
    """The words a comparison marks as added."""
    return re.findall(r'<ins><span class="visually-hidden">[^<]*</span>(.*?)<span', page)


def _to_committee(login_as) -> None:
    assert login_as("convener").post(f"{R}/skicka-upp").status_code == 303
    assert login_as("director").post(f"{R}/ledningsgruppen", {
        "mg_decision": "forward", "mg_meeting_on": clock.today().isoformat()}).status_code == 303


# ---------------------------------------------------------------- positions on behalf


def test_the_secretariat_records_a_position_on_behalf_and_the_tracker_says_so(
        app, world, resp, login_as):
    assert login_as("convener").post(f"{R}/skicka-upp").status_code == 303
    staff, director = login_as("secretariat"), login_as("director")
    page = staff.get(R).get_data(as_text=True)
    assert "Registrera ett ställningstagande åt en kommun" in page
    assert 'name="behalf-source"' in page
    assert "Registrera ett ställningstagande åt en kommun" not in director.get(R).get_data(
        as_text=True)

    # Without a source: refused on its field, everything typed kept.
    answer = staff.post(BEHALF, {
        "behalf-municipality_id": str(world.ids.alpha), "behalf-stance": "reservation",
        "behalf-statement": "Alfaby vill se spårväg före 2030.",
        "behalf-decision_reference": "KS § 12", "behalf-source": "", "behalf-versions": ""})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert 'id="behalf-source-error"' in page and "Skriv vad ställningstagandet bygger på" in page
    assert "Alfaby vill se spårväg före 2030." in page and 'value="KS § 12"' in page
    assert re.search(r'<details[^>]*id="on-behalf"[^>]*open', page)
    # Without a municipality: refused too.
    answer = staff.post(BEHALF, {"behalf-municipality_id": "", "behalf-stance": "behind",
                                 "behalf-source": SOURCE})
    assert answer.status_code == 422 and "Välj kommunen." in answer.get_data(as_text=True)
    assert _position(app, world.ids.alpha) is None

    answer = staff.post(BEHALF, {
        "behalf-municipality_id": str(world.ids.alpha), "behalf-stance": "reservation",
        "behalf-statement": "Alfaby vill se spårväg före 2030.",
        "behalf-decision_reference": "KS § 12", "behalf-source": SOURCE, "behalf-versions": ""})
    assert answer.status_code == 303
    assert answer.location.endswith(f"#position-{world.ids.alpha}")
    assert _position(app, world.ids.alpha) == ("reservation", True, SOURCE)
    page = director.get(R).get_data(as_text=True)
    with app.app_context():
        name = world.person("secretariat").name
    assert f"Registrerat av kansliet ({name}) {SOURCE}" in page

    # The director may not use the secretariat's form.
    assert director.post(BEHALF, {"behalf-municipality_id": str(world.ids.alpha),
                                  "behalf-stance": "behind", "behalf-source": SOURCE}
                         ).status_code == 403


def test_a_position_changed_since_the_secretariat_opened_its_form_is_not_overwritten(
        app, world, resp, login_as):
    assert login_as("convener").post(f"{R}/skicka-upp").status_code == 303
    staff = login_as("secretariat")
    alpha = str(world.ids.alpha)
    assert staff.post(BEHALF, {"behalf-municipality_id": alpha, "behalf-stance": "behind",
                               "behalf-source": SOURCE, "behalf-versions": ""}
                      ).status_code == 303
    page = staff.get(R).get_data(as_text=True)
    seen = re.search(r'name="behalf-versions"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*'
                     r'name="behalf-versions"', page)
    versions = seen.group(1) or seen.group(2)
    assert versions.startswith(f"{alpha}:")
    # The director records the municipality's own position meanwhile.
    assert login_as("director").post(f"{R}/stallningstagande/{alpha}", {
        "stance": "against", "statement": "Alfaby säger nej.", "version": versions.split(":")[1]
    }).status_code == 303
    answer = staff.post(BEHALF, {"behalf-municipality_id": alpha, "behalf-stance": "behind",
                                 "behalf-statement": "", "behalf-source": f"{SOURCE}, igen",
                                 "behalf-versions": versions})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "har ändrat Alfabys ställningstagande medan du skrev" in page
    assert f'value="{SOURCE}, igen"' in page
    assert _position(app, world.ids.alpha) == ("against", False, "")


# ---------------------------------------------------------------- adopting with changes


def test_the_committee_adopts_with_changes_through_its_form(app, world, resp, login_as):
    _to_committee(login_as)
    committee = login_as("committee")
    field = f"text_{SECTION_IDS[0]}"
    page = committee.get(R).get_data(as_text=True)
    assert "Anta med ändringar" in page
    # Each section's text box starts with the text as saved.
    assert re.search(rf'<textarea[^>]*name="{field}"[^>]*>\s*Kommunerna välkomnar planen.<',
                     page)
    base = {"meeting_on": clock.today().isoformat(), "adopt_anyway": "y",
            "presenter_name": "Kalle Sammankallande", "presenter_title": "Planeringschef",
            field: "Kommunerna välkomnar planen.",
            f"text_{SECTION_IDS[1]}": "Fler tvärförbindelser."}

    answer = committee.post(f"{R}/kommitten", {**base, "decision": "adopt_changes"})
    assert answer.status_code == 422
    assert "Ingen text är ändrad" in answer.get_data(as_text=True)

    changed = "Kommunerna välkomnar planen och vill se Spårväg syd före 2035."
    # A refused date keeps the changed wording in its box, the box open.
    answer = committee.post(f"{R}/kommitten", {
        **base, "decision": "adopt_changes", field: changed, "meeting_on": "2000-01-01"})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert changed in page and re.search(r'<details[^>]*id="committee-texts"[^>]*open', page)
    # A plain adoption with changed text is refused, the text kept.
    answer = committee.post(f"{R}/kommitten", {**base, "decision": "adopt", field: changed})
    assert answer.status_code == 422 and changed in answer.get_data(as_text=True)
    assert _status(app) == "committee_review"

    answer = committee.post(f"{R}/kommitten", {**base, "decision": "adopt_changes",
                                               field: changed})
    assert answer.status_code == 303
    assert _status(app) == "adopted"

    # The network sees that the committee changed the text, and the diff.
    page = login_as("convener").get(R).get_data(as_text=True)
    assert "Antaget med ändringar av samarbetskommittén" in page
    link = re.search(r'<a class="button button--secondary" href="([^"]+)">Visa kommitténs '
                     r'ändringar</a>', page)
    assert link is not None
    diff = login_as("member").get(html.unescape(link.group(1))).get_data(as_text=True)
    assert "1 avsnitt skiljer sig." in diff
    assert "Spårväg" in " ".join(_inserted(diff))

    # The letter says what the committee adopted, and who presented it.
    letter = Docx(io.BytesIO(committee.get(f"{R}/yttrande.docx").data))
    lines = [p.text for p in letter.paragraphs]
    assert changed in lines
    assert "Föredragande: Kalle Sammankallande, Planeringschef" in lines


# ---------------------------------------------------------------- after a return


def test_after_a_return_the_convener_sees_what_changed_as_prominently_as_reviewers_do(
        app, world, resp, login_as):
    convener, chair = login_as("convener"), login_as("director")
    assert convener.post(f"{R}/skicka-upp").status_code == 303
    assert chair.post(f"{R}/ledningsgruppen", {"mg_decision": "return",
                                               "mg_reason": "Kortare, tack."}
                      ).status_code == 303
    edit = f"{R}/avsnitt/{SECTION_IDS[0]}/redigera"
    assert login_as("member").post(edit, {"title": "Sammanfattning", "body": "Kort och bra.",
                                          "version": "1"}).status_code == 303

    button = re.compile(r'<a class="button button--secondary" href="([^"]+)">Visa vad som '
                        r'har ändrats sedan Återremitterat till nätverket')
    page = convener.get(R).get_data(as_text=True)
    link = button.search(page)
    assert link is not None
    diff = convener.get(html.unescape(link.group(1))).get_data(as_text=True)
    assert _inserted(diff) == ["Kort", "och", "bra."]
    # Sent up again, the reviewers see theirs in the same way.
    assert convener.post(f"{R}/skicka-upp").status_code == 303
    assert re.search(r'<a class="button button--secondary" href="[^"]+">Visa vad som har '
                     r'ändrats sedan', chair.get(R).get_data(as_text=True))


# ---------------------------------------------------------------- two decisions at once


@pytest.mark.parametrize("path, data", [
    ("skicka-upp", {}),
    ("ledningsgruppen", {"mg_decision": "forward", "mg_meeting_on": "today"}),
])
def test_a_step_recorded_by_someone_else_at_the_same_moment_is_a_message_not_an_error(
        app, world, resp, login_as, monkeypatch, path, data):
    """Both checked the response before either wrote: the second write finds the response's
    version changed and gets a Swedish message with the page, not a server error."""
    from sqlalchemy import update

    from intranet.consultations import review

    if path == "ledningsgruppen":
        assert login_as("convener").post(f"{R}/skicka-upp").status_code == 303
        data = {**data, "mg_meeting_on": clock.today().isoformat()}
    step = {"skicka-upp": "submit_for_review", "ledningsgruppen": "management_decision"}[path]
    original = getattr(review, step)

    def meanwhile(response, *args, **kwargs):
        # Another request's write lands between this request's read and its write.
        db.session.execute(update(ConsultationResponse).where(
            ConsultationResponse.id == response.id).values(
            lock_version=ConsultationResponse.lock_version + 1).execution_options(
            synchronize_session=False))
        return original(response, *args, **kwargs)

    monkeypatch.setattr(review, step, meanwhile)
    role = "convener" if path == "skicka-upp" else "director"
    before = _status(app)
    answer = login_as(role).post(f"{R}/{path}", data)
    assert answer.status_code in (409, 422)
    assert "Någon annan registrerade ett beslut om svaret medan du skrev" in answer.get_data(
        as_text=True)
    assert _status(app) == before


def test_an_archived_networks_responses_are_read_only_for_the_secretariat_too(
        app, world, resp, login_as):
    from intranet.org.models import Network

    with app.app_context():
        db.session.get(Network, db.session.get(ConsultationResponse, RESPONSE_ID).network_id
                       ).archived_at = clock.utcnow()
        db.session.commit()
    secretariat = login_as("secretariat")
    assert secretariat.get(R).status_code == 200  # still read
    section = f"{R}/avsnitt/{SECTION_IDS[0]}"
    assert secretariat.post(f"{section}/redigera", {
        "title": "Sammanfattning", "body": "Ny text.", "version": "1", "base": "1"}
    ).status_code == 403
    assert secretariat.post(f"{R}/avsnitt", {"title": "Nytt avsnitt"}).status_code == 403
    assert secretariat.post(f"{section}/kommentarer", {"body": "En kommentar."}
                            ).status_code == 403
