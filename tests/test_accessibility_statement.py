"""The accessibility statement is on every page's footer, and problems reach the secretariat."""

from sqlalchemy import select

from intranet.audit.models import AuditEvent
from intranet.extensions import db


def test_every_page_links_the_statement(world, login_as, client):
    assert 'href="/tillganglighet?sida=/logga-in"' in client.get("/logga-in").get_data(
        as_text=True)
    c = login_as("member")
    for url in ["/", "/natverk/", "/natverk/plan", "/organisation/"]:
        assert "/tillganglighet" in c.get(url).get_data(as_text=True), url


def test_statement_page_is_open_and_says_how_to_report(client):
    page = client.get("/tillganglighet?sida=/natverk/plan").get_data(as_text=True)
    assert "Tillgänglighetsredogörelse" in page and "Rapportera ett problem" in page
    assert 'value="/natverk/plan"' in page
    assert "digg.se" in page


def test_a_report_is_mailed_to_the_secretariat(app, world, client, smtp):
    response = client.post("/tillganglighet", {
        "message": "Knappen går inte att nå med tangentbordet.", "page": "/natverk/plan",
        "contact": "anna@alfaby.example"})
    assert response.status_code == 303
    with app.app_context():
        staff = world.person("secretariat").email
        assert db.session.scalar(select(AuditEvent.action).where(
            AuditEvent.action == "accessibility_report"))
    smtp.deliver()
    [mail] = smtp.to(staff)
    body = smtp.body(mail)
    assert "Knappen går inte att nå" in body and "anna@alfaby.example" in body


def test_an_empty_report_gets_a_message(client):
    response = client.post("/tillganglighet", {"message": ""})
    assert response.status_code == 422
    assert "Beskriv problemet." in response.get_data(as_text=True)


def test_statement_gives_the_assessment_date_and_how_far_the_site_complies(client):
    """DIGG's model statement: the compliance status with its known gaps, how the site was
    tested and the day of the assessment."""
    from intranet.main.routes import ACCESSIBILITY_ASSESSED_ON

    page = client.get("/tillganglighet").get_data(as_text=True)
    assert ("Webbplatsen är delvis förenlig med lagen om tillgänglighet till digital offentlig "
            "service, på grund av de brister som beskrivs nedan.") in page
    assert "Kända brister" in page and "granskas inte av oss" in page
    assert "Hur vi testat webbplatsen" in page and "självskattning" in page
    day = ACCESSIBILITY_ASSESSED_ON
    months = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
              "september", "oktober", "november", "december"]
    assert f"Bedömningen gjordes den {day.day} {months[day.month - 1]} {day.year}." in page


def test_statement_in_english_gives_the_same_facts(client):
    client.post("/sprak", {"lang": "en", "next": "/tillganglighet"})
    page = client.get("/tillganglighet").get_data(as_text=True)
    assert "partially compliant with the Swedish Act on accessibility" in page
    assert "The assessment was made on" in page
