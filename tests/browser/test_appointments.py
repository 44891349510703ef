"""A director's journeys in a real browser: appoint a new person (who accepts the e-mailed
invitation and logs in), replace a member, end an appointment; the coverage and history pages.
Every page is checked with axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

DIRECTOR = "johan.lindqvist@huddinge.example"  # Huddinge


def open_representation(page, base):
    page.goto(f"{base}/representation/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Huddinge i nätverken")


def row(page, network: str):
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=re.compile(
        re.escape(network))))


def test_director_appoints_a_new_person_who_accepts_the_invitation(
        page, live_server, login, check_a11y, smtp, browser, console):
    console.allow(r"status of 422")  # the form with a mistake answers 422, as it should
    login(page, live_server, DIRECTOR)
    open_representation(page, live_server)
    check_a11y(page, "Min kommuns representation")

    row(page, "Klimatnätverket").get_by_role("link", name=re.compile("^Utse")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Utse ledamot till Klimatnätverket")
    check_a11y(page, "the appoint form")

    # Active search finds people of the municipality as you type.
    page.get_by_label("Sök på namn, titel eller e-post").fill("ekholm")
    expect(page.locator("#person-results")).to_contain_text("Sara Ekholm")
    expect(page.locator("#person-results")).not_to_contain_text("Ida Hedberg")
    check_a11y(page, "the appoint form after a search")

    # A mistake keeps what was typed.
    page.get_by_label("Namn", exact=True).fill("Nils Nykomling")
    page.get_by_label("E-postadress", exact=True).fill("inte-en-adress")
    page.get_by_role("button", name="Utse", exact=True).click()
    expect(page.locator(".field__error")).to_contain_text("Skriv en giltig e-postadress")
    expect(page.get_by_label("Namn", exact=True)).to_have_value("Nils Nykomling")
    check_a11y(page, "the appoint form with an error")

    page.get_by_label("E-postadress", exact=True).fill("nils.nykomling@huddinge.example")
    page.get_by_label("Titel", exact=True).fill("Klimatstrateg")
    page.get_by_role("button", name="Utse", exact=True).click()
    expect(page.locator("#messages")).to_contain_text(
        "Nils Nykomling är utsedd till Klimat.")
    expect(row(page, "Klimatnätverket")).to_contain_text("Nils Nykomling")

    smtp.deliver()
    invitation = [m for m in smtp.to("nils.nykomling@huddinge.example")
                  if m["Subject"] == "Inbjudan till Samverkansytan"]
    assert len(invitation) == 1
    link = re.search(r"(http://127\.0\.0\.1:\d+/inbjudan/\S+)",
                     smtp.body(invitation[0])).group(1)

    newcomer = browser.new_context(viewport={"width": 390, "height": 844}, locale="sv-SE")
    try:
        welcome = newcomer.new_page()
        welcome.goto(link)
        expect(welcome.get_by_role("heading", level=1)).to_have_text(
            "Välkommen, Nils Nykomling")
        check_a11y(welcome, "the invitation page")
        welcome.get_by_label("Nytt lösenord").fill("mitt eget långa lösenord")
        welcome.get_by_label("Samma lösenord igen").fill("mitt eget långa lösenord")
        welcome.get_by_role("button", name="Spara lösenord och logga in").click()
        expect(welcome.get_by_role("heading", level=1)).to_have_text("Start")
        expect(welcome.locator("main")).to_contain_text("Klimatnätverket")
        check_a11y(welcome, "the new member's start page")
        welcome.goto(link)  # the link works once
        expect(welcome.get_by_role("heading", level=1)).to_have_text("Länken gäller inte längre")
    finally:
        newcomer.close()


def test_director_replaces_and_ends_members(page, live_server, login, check_a11y):
    login(page, live_server, DIRECTOR)
    open_representation(page, live_server)

    sup = row(page, "Nätverket för planeringschefer")
    sup.get_by_role("link", name="Ersätt Ida Hedberg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ersätt Ida Hedberg i SUP")
    check_a11y(page, "the replace form")
    page.get_by_label("Sök på namn, titel eller e-post").fill("wikström")
    page.get_by_label(re.compile("Johan Wikström")).check()
    page.get_by_role("button", name="Ersätt", exact=True).click()
    expect(page.locator("#messages")).to_contain_text(
        "Ida Hedberg är ersatt av Johan Wikström i SUP")
    expect(row(page, "Nätverket för planeringschefer")).not_to_contain_text("Ida Hedberg")

    row(page, "Näringslivschefer").get_by_role("link", name="Avsluta / slutdatum Ali Falk").click()
    check_a11y(page, "the end form")
    page.get_by_label("Anledning (valfri)").fill("Går i pension")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("#messages")).to_contain_text("Uppdraget för Ali Falk i SNUG upphör")
    expect(row(page, "Näringslivschefer")).to_contain_text("Ingen utsedd")
    check_a11y(page, "the representation page after ending")

    page.goto(f"{live_server}/natverk/sup/historik")
    expect(page.locator("main")).to_contain_text("Ersatt av Johan Wikström")
    check_a11y(page, "the SUP membership history")
    page.goto(f"{live_server}/natverk/snug")
    expect(page.locator("main")).to_contain_text("Ingen utsedd från: Huddinge, Tyresö.")


def test_coverage_matrix_and_person_page(page, live_server, login, check_a11y):
    login(page, live_server, "karin.berglund@tyreso.example")  # the committee chair
    page.get_by_role("link", name="Täckning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Täckning: nätverk och kommuner")
    expect(page.locator("main")).to_contain_text("6 luckor totalt.")
    check_a11y(page, "the coverage matrix")
    page.goto(f"{live_server}/natverk/sup")
    page.get_by_role("link", name="Ahmed Karimi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ahmed Karimi")
    expect(page.locator("main")).to_contain_text("Nätverket för planeringschefer")
    check_a11y(page, "a person's page")


def test_director_of_another_municipality_is_refused(page, live_server, login, app, console):
    console.allow(r"status of 403")
    from sqlalchemy import select

    from intranet.extensions import db
    from intranet.org.models import Municipality

    with app.app_context():
        huddinge = db.session.scalar(select(Municipality).where(Municipality.name == "Huddinge"))
    login(page, live_server, "mikael.nystrom@botkyrka.example")
    response = page.goto(f"{live_server}/representation/{huddinge.id}/natverk/klimat/utse")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Åtkomst nekad")


def test_a_former_member_is_told_when_their_appointment_ended(page, live_server, login, app,
                                                              check_a11y, console):
    console.allow(r"status of 403")
    from sqlalchemy import select

    from intranet.documents.models import Document
    from intranet.extensions import db
    from intranet.org.models import Network

    with app.app_context():
        sup = db.session.scalar(select(Network).where(Network.short_name == "SUP"))
        document = db.session.scalar(select(Document).where(
            Document.network_id == sup.id, Document.visibility == "network",
            Document.deleted_at.is_(None)))
    # Gunnel Stenberg of Nykvarn sat in SUP until 1 April 2024.
    login(page, live_server, "gunnel.stenberg@nykvarn.example")
    response = page.goto(f"{live_server}/natverk/sup/dokument/{document.id}")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Ditt uppdrag har upphört")
    expect(page.locator("main")).to_contain_text(
        "Ditt uppdrag i Nätverket för planeringschefer upphörde den 1 april 2024.")
    check_a11y(page, "the page of a former member")
    page.get_by_role("link", name="Till nätverkets sida").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Nätverket för planeringschefer")
