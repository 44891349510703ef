"""Fuzzed input to the consultation response forms and pages never causes a server error,
and what is saved is what was sent."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import select

from intranet.consultations.models import ConsultationResponse, ResponseSection
from intranet.extensions import db
from tests.consultation_fixtures import RESPONSE_ID, SECTION_IDS, build_consultations

PLAN = "/natverk/plan/remissvar"
R = f"{PLAN}/{RESPONSE_ID}"
text = st.text(max_size=200)
FUZZ = settings(max_examples=30, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def has_nul(*values) -> bool:
    return any("\x00" in v for v in values)


@FUZZ
@given(title=text, body=text, deadline=text, answer=text, reason=text, parts=text,
       links=text, contact=text, case=text)
def test_new_response_never_errors(app, world, login_as, title, body, deadline, answer,
                                   reason, parts, links, contact, case):
    client = login_as("member")
    response = client.post(f"{PLAN}/nytt", {
        "title": title, "referring_body": body, "deadline": deadline, "answer": answer,
        "reason": reason, "report_parts": parts, "referral_links": links,
        "contact_person_id": contact, f"case_{world.ids.alpha}": case})
    if has_nul(title, body, deadline, answer, reason, parts, links, contact, case):
        assert response.status_code == 400
        return
    assert response.status_code in (303, 422)
    if response.status_code == 303:
        response_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
        with app.app_context():
            created = db.session.get(ConsultationResponse, response_id)
            assert created.title == title.strip()[:300] and created.title
            assert created.network_id == world.ids.network


@FUZZ
@given(title=text, body=st.text(max_size=1000), version=text)
def test_section_save_never_errors_and_keeps_the_text(app, world, login_as, title, body,
                                                      version):
    if not _built(app):
        build_consultations(app, world)
    client = login_as("member")
    with app.app_context():
        current = db.session.get(ResponseSection, SECTION_IDS[0]).lock_version
    response = client.post(f"{R}/avsnitt/{SECTION_IDS[0]}/redigera",
                           {"title": title, "body": body, "version": version})
    if has_nul(title, body, version):
        assert response.status_code == 400
        return
    assert response.status_code in (303, 409, 422)
    if response.status_code == 303:
        with app.app_context():
            section = db.session.get(ResponseSection, SECTION_IDS[0])
            assert section.body == body.replace("\r\n", "\n").replace("\r", "\n")
            assert int(version) == current
    elif response.status_code == 409:
        assert str(escape(body)) in response.get_data(as_text=True)  # the text is kept


def _built(app) -> bool:
    with app.app_context():
        return db.session.scalar(select(ConsultationResponse.id).where(
            ConsultationResponse.id == RESPONSE_ID)) is not None


@FUZZ
@given(status=text, fran=text, till=text, comment=text, parent=text)
def test_list_compare_and_comments_never_error(app, world, login_as, status, fran, till,
                                               comment, parent):
    if not _built(app):
        build_consultations(app, world)
    client = login_as("member")
    listing = client.http.get(f"{PLAN}/", query_string={"status": status})
    assert listing.status_code == (400 if "\x00" in status else 200)
    compared = client.http.get(f"{R}/jamfor", query_string={"fran": fran, "till": till})
    assert compared.status_code in (200, 400, 404)
    posted = client.post(f"{R}/avsnitt/{SECTION_IDS[0]}/kommentarer",
                         {"body": comment, "parent_id": parent})
    assert posted.status_code in (303, 400, 404, 422)
