"""Accounts and the secretariat's tools in a real browser: a password reset read from the SMTP
server, a deactivation that logs out an open session, the audit log filtered to one person,
and axe on every new page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

STAFF = "elin.strand@huddinge.example"
MEMBER = "ahmed.karimi@botkyrka.example"


def test_forgotten_password_by_email(page, live_server, check_a11y, smtp, login):
    page.goto(f"{live_server}/logga-in")
    page.get_by_role("link", name="Glömt lösenord?").click()
    check_a11y(page, "the forgotten-password page")
    page.get_by_label("E-postadress").fill(MEMBER)
    page.get_by_role("button", name="Skicka länk").click()
    expect(page.locator("#messages")).to_contain_text("Om adressen finns hos oss")
    smtp.deliver()
    [mail] = smtp.to(MEMBER)
    link = re.search(r"(http://127\.0\.0\.1:\d+/nytt-losenord/\S+)", smtp.body(mail)).group(1)
    page.goto(link)
    check_a11y(page, "the new-password page")
    page.get_by_label("Nytt lösenord").fill("ett alldeles nytt lösenord")
    page.get_by_label("Samma lösenord igen").fill("ett alldeles nytt lösenord")
    page.get_by_role("button", name="Spara lösenord och logga in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start")
    page.get_by_role("button", name="Logga ut").click()
    login(page, live_server, MEMBER, "ett alldeles nytt lösenord")


def test_profile_password_and_my_data(page, live_server, login, check_a11y):
    login(page, live_server, MEMBER)
    page.get_by_role("link", name=re.compile("Ahmed Karimi")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Min profil")
    check_a11y(page, "the profile page")
    page.get_by_label("Telefon").fill("08-530 000 00")
    page.get_by_label("Språk i gränssnitt och e-post").select_option("en")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My profile")
    page.get_by_role("link", name="My data").click()
    expect(page.locator("main")).to_contain_text("Nätverket för planeringschefer")
    check_a11y(page, "Mina uppgifter (in English)")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as JSON").click()
    assert download.value.suggested_filename == "mina-uppgifter.json"
    page.goto(f"{live_server}/profil/losenord")
    check_a11y(page, "the change-password page")


def test_deactivation_logs_out_an_open_session(page, live_server, login, check_a11y, browser):
    other = browser.new_context(locale="sv-SE")
    try:
        member_page = other.new_page()
        login(member_page, live_server, MEMBER)
        expect(member_page.get_by_role("heading", level=1)).to_have_text("Start")

        login(page, live_server, STAFF)
        page.get_by_role("link", name="Kansliet").click()
        check_a11y(page, "the people list")
        page.get_by_label("Sök på namn, e-post, titel eller kommun").fill("karimi")
        expect(page.locator("#results")).to_contain_text("Ahmed Karimi")
        check_a11y(page, "the people list after a search")
        page.get_by_role("link", name="Ahmed Karimi").click()
        check_a11y(page, "a person's administration page")
        page.get_by_role("button", name="Inaktivera Ahmed Karimi").click()
        expect(page.locator("#messages")).to_contain_text(
            "Ahmed Karimi är inaktiverad och utloggad överallt.")

        member_page.reload()
        expect(member_page).to_have_url(re.compile(r"/logga-in"))
    finally:
        other.close()

    page.get_by_role("link", name="Personens händelser i loggen").click()
    expect(page.locator("#results")).to_contain_text("Inaktiverade person")
    check_a11y(page, "the audit log filtered to one person")
    page.get_by_label("Händelse").select_option(label="Loggade in")
    expect(page.locator("#results")).to_contain_text("1 händelse")
    expect(page).to_have_url(re.compile(r"handling=login"))
    # Everyone's log-ins, then those of the people whose name has the words typed.
    page.get_by_role("link", name="Visa alla personer").click()
    expect(page).not_to_have_url(re.compile(r"person="))
    page.get_by_label("Person (namn eller e-post)").fill("elin strand")
    page.get_by_label("Person (namn eller e-post)").press("Enter")
    expect(page).to_have_url(re.compile(r"vem=elin"))
    expect(page.locator("#results tbody")).to_contain_text("Elin Strand")
    expect(page.locator("#results tbody")).not_to_contain_text("Ahmed Karimi")


def test_secretariat_pages_pass_axe(page, live_server, login, check_a11y):
    login(page, live_server, STAFF)
    for path, label in [("/kansliet/organ", "the bodies administration"),
                        ("/kansliet/natverk", "the networks administration"),
                        ("/kansliet/natverk/nytt", "the new-network form"),
                        ("/kansliet/natverk/sup/arkivera", "the archive confirmation"),
                        ("/kansliet/personer/ny", "the new-person form"),
                        ("/tillganglighet", "the accessibility statement")]:
        page.goto(live_server + path)
        check_a11y(page, label)
    page.goto(f"{live_server}/kansliet/organ")
    page.get_by_role("link", name=re.compile("^Tillsätt plats")).first.click()
    check_a11y(page, "the new-seat form")
    # The person is searched for, not picked from a list of everyone.
    page.get_by_label("Sök på namn, titel eller e-post").fill("karim")
    expect(page.locator("#person-results")).to_contain_text("Ahmed Karimi")
    expect(page.locator("#person-results")).not_to_contain_text("Elin Strand")
    check_a11y(page, "the new-seat form after a search")
    page.get_by_role("radio", name=re.compile("Ahmed Karimi")).check()
    page.get_by_label("Kommun").select_option(label="Botkyrka")
    page.get_by_role("button", name="Tillsätt").click()
    expect(page.locator("#messages")).to_contain_text("är tillsatt")
    expect(page.locator("main")).to_contain_text("Ahmed Karimi")


def test_accessibility_problem_report(page, live_server, check_a11y, smtp, console):
    page.goto(f"{live_server}/logga-in")
    page.get_by_role("link", name="Tillgänglighetsredogörelse").click()
    expect(page.get_by_label("Vilken sida gäller det? (valfritt)")).to_have_value("/logga-in")
    page.get_by_label("Vad fungerar inte?").fill("Fokusmarkeringen syns dåligt.")
    page.get_by_role("button", name="Skicka rapporten").click()
    expect(page.locator("#messages")).to_contain_text("Tack! Din rapport har skickats")
    smtp.deliver()
    assert smtp.to(STAFF)
    check_a11y(page, "the statement after a report")
