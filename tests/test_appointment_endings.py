"""When an appointment ends: who sees why (the person, their municipality's director and the
secretariat), what the person is told by mail, and what a former member meets in the network
they left (403 with the date, where people who never were members get 404)."""

from datetime import date, timedelta

import pytest
from flask import url_for
from sqlalchemy import select

from intranet import clock
from intranet.audit.models import AuditEvent
from intranet.authz import may
from intranet.extensions import db
from intranet.org.models import Appointment
from tests.conftest import ROLES
from tests.consultation_fixtures import RESPONSE_ID
from tests.document_fixtures import FILE_ID
from tests.test_authz_matrix import MATRIX, POST_DATA, SETUP, URL_ARGS

REASON = "Ny tjänst i en annan kommun"
ENDED_ON = date(2025, 12, 3)
ENDED_TEXT = "Ditt uppdrag i Planeringsnätverket upphörde den 3 december 2025."


def end_url(world) -> str:
    return f"/uppdrag/{world.ids.member_appointment}/avsluta"


def ended_member(app, world, to_date=ENDED_ON, reason=REASON) -> None:
    """The world's member (Maja Medlem, Alfaby) no longer in "plan" since `to_date`."""
    with app.app_context():
        appointment = db.session.get(Appointment, world.ids.member_appointment)
        appointment.to_date = to_date
        appointment.end_reason = reason
        appointment.ended_by_id = world.ids.director
        db.session.commit()


# ---------------------------------------------------------------- why it ended


def test_only_the_person_their_director_and_the_secretariat_may_see_why_it_ended(app, world):
    with app.app_context():
        member_appointment = db.session.get(Appointment, world.ids.member_appointment)
        convener_appointment = db.session.scalar(select(Appointment).where(
            Appointment.person_id == world.ids.convener))
        sees = {role for role in ROLES
                if may(world.person(role), "view_end_reason", member_appointment)}
        assert sees == {"member", "director", "secretariat"}
        # The convener is of Betaholm: its director sees why, Alfaby's does not.
        sees = {role for role in ROLES
                if may(world.person(role), "view_end_reason", convener_appointment)}
        assert sees == {"convener", "other_director", "secretariat"}
        assert not may(world.person("secretariat"), "view_end_reason", None)


def test_the_end_form_says_who_will_see_the_reason(world, login_as):
    page = login_as("director").get(end_url(world)).get_data(as_text=True)
    assert ("Syns bara för Maja Medlem, kommundirektören i Alfaby och kansliet, och skickas "
            "till Maja Medlem med e-post. Övriga i nätverket ser bara att uppdraget upphör."
            in page)
    assert 'aria-describedby="reason-hint"' in page


def test_the_reason_is_mailed_to_the_person_and_not_to_the_convener(app, world, login_as,
                                                                    smtp):
    response = login_as("director").post(end_url(world), {
        "to_date": clock.today().isoformat(), "reason": REASON})
    assert response.status_code == 303
    smtp.deliver()
    with app.app_context():
        member, convener = world.person("member").email, world.person("convener").email
    to_member = smtp.body(smtp.to(member)[0])
    to_convener = smtp.body(smtp.to(convener)[0])
    assert f"Anledning: {REASON}" in to_member
    assert "Maja Medlem" in to_convener and REASON not in to_convener


def test_a_term_with_a_reason_is_mailed_to_the_person_only_with_it(app, world, login_as, smtp):
    term_end = clock.today() + timedelta(days=40)
    login_as("director").post(end_url(world), {"to_date": term_end.isoformat(),
                                               "reason": REASON})
    smtp.deliver()
    with app.app_context():
        member, convener = world.person("member").email, world.person("convener").email
    assert f"Anledning: {REASON}" in smtp.body(smtp.to(member)[0])
    assert REASON not in smtp.body(smtp.to(convener)[0])


@pytest.mark.parametrize(("role", "sees_reason"), [
    ("member", True), ("director", True), ("secretariat", True),
    ("convener", False), ("other_director", False), ("committee", False),
])
def test_the_history_shows_why_only_to_those_who_may_see_it(world, login_as, role,
                                                            sees_reason):
    # A term: the member is still a member and sees the network's history.
    term_end = clock.today() + timedelta(days=40)
    login_as("director").post(end_url(world), {"to_date": term_end.isoformat(),
                                               "reason": REASON})
    page = login_as(role).get("/natverk/plan/historik")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Maja Medlem" in text and "av Dora Direktör" in text
    assert (REASON in text) == sees_reason
    assert ("Varför ett uppdrag upphörde ser bara personen själv, kommundirektören i "
            "personens kommun och kansliet." in text)


def test_the_person_page_shows_a_past_appointment_without_the_reason(app, world, login_as):
    ended_member(app, world)
    for role in ("other_member", "director"):
        text = login_as(role).get(f"/organisation/personer/{world.ids.member}").get_data(
            as_text=True)
        assert "Planeringsnätverket" in text and "3 december 2025" in text
        assert REASON not in text


# ---------------------------------------------------------------- a former member


def _document_url(app) -> str:
    with app.test_request_context():
        return url_for("documents.show", slug="plan", document_id=FILE_ID)


def test_a_former_member_is_told_their_appointment_ended(app, world, login_as):
    SETUP["documents."](app, world)
    ended_member(app, world)
    response = login_as("member").get(_document_url(app))
    assert response.status_code == 403
    text = response.get_data(as_text=True)
    assert "Ditt uppdrag har upphört" in text and ENDED_TEXT in text
    assert "kommundirektören i Alfaby" in text
    assert 'href="/natverk/plan"' in text
    assert "Sidan finns inte" not in text and REASON not in text
    with app.app_context():
        denied = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "access_denied")).all()
        assert [e.actor_id for e in denied] == [world.ids.member]


def test_someone_who_never_was_a_member_still_finds_nothing(app, world, login_as):
    SETUP["documents."](app, world)
    SETUP["consultations."](app, world)
    ended_member(app, world)
    client = login_as("other_member")
    assert client.get(_document_url(app)).status_code == 404
    assert client.get(f"/natverk/plan/remissvar/{RESPONSE_ID}").status_code == 404


def test_a_former_member_is_told_so_in_the_live_region_of_an_htmx_request(app, world,
                                                                           login_as):
    SETUP["consultations."](app, world)
    ended_member(app, world)
    response = login_as("member").get(f"/natverk/plan/remissvar/{RESPONSE_ID}", htmx=True)
    assert response.status_code == 403
    assert response.headers["HX-Retarget"] == "#messages"
    assert ENDED_TEXT in response.get_data(as_text=True)


def test_an_appointment_that_has_not_ended_yet_is_no_reason(app, world, login_as):
    """A member with a term still works in the network; one appointed only from a later
    date was never a member."""
    SETUP["documents."](app, world)
    ended_member(app, world, to_date=clock.today() + timedelta(days=1))
    assert login_as("member").get(_document_url(app)).status_code == 200
    with app.app_context():
        appointment = db.session.get(Appointment, world.ids.member_appointment)
        appointment.from_date = clock.today() + timedelta(days=10)
        appointment.to_date = None
        db.session.commit()
    assert login_as("member").get(_document_url(app)).status_code == 404


def test_a_former_member_is_told_in_english_too(app, world, login_as):
    SETUP["documents."](app, world)
    ended_member(app, world)
    client = login_as("member")
    client.post("/sprak", {"lang": "en", "next": "/"})
    text = client.get(_document_url(app)).get_data(as_text=True)
    assert "Your appointment in Planeringsnätverket ended on December 3, 2025." in text


def _former_member_status(row: dict) -> int:
    """What a former member gets: what someone who never was a member gets, except that
    what a member may see is refused with the explanation instead of being absent."""
    if row["other_member"] == 404 and row["member"] != 404:
        return 403
    return row["other_member"]


# Routes that ask whether the response may be seen before they ask about the step: a former
# member is told their appointment ended before being told a member may not do it either.
SEEN_FIRST = {("consultations.record_position", "POST")}
NETWORK_ROWS = sorted(key for key in MATRIX
                      if key[0].split(".")[0] in ("networks", "documents", "consultations",
                                                  "actions")
                      and key[0] not in ("networks.directory", "actions.plan",
                                         "actions.export_plan", "actions.summary"))


@pytest.mark.parametrize(("endpoint", "method"), NETWORK_ROWS)
def test_every_page_of_the_network_answers_a_former_member(app, world, login_as, endpoint,
                                                           method):
    for prefix, setup in SETUP.items():
        if endpoint.startswith(prefix):
            setup(app, world)
    args = URL_ARGS.get(endpoint, {})
    if callable(args):
        with app.app_context():
            args = args(world, "other_member")
    ended_member(app, world)
    with app.test_request_context():
        url = url_for(endpoint, **args)
    client = login_as("member")
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, POST_DATA.get(endpoint, {}))
    row = MATRIX[(endpoint, method)]
    assert response.status_code == _former_member_status(row), (endpoint, method)
    # Explained where a member would have been let in, and (but for a route that asks
    # whether the response may be seen before it asks about the step) only there.
    explained = ENDED_TEXT in response.get_data(as_text=True)
    member_allowed = row["member"] not in (403, 404)
    if (endpoint, method) not in SEEN_FIRST:
        assert explained == (response.status_code == 403 and member_allowed), (endpoint, method)
    else:
        assert explained
    response.close()
