"""Consultation responses in a real Chromium: a SUP member creates a joint response from the
template, two members edit different sections at once (both saves stand) and the same
section (the second gets the conflict view with their text kept), comments are added,
answered and resolved, and a named version is saved and compared with the current text.
axe-core checks every page and state; the `page` fixture fails on console or CSP errors."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

MEMBER = "ahmed.karimi@botkyrka.example"  # SUP member
CONVENER = "sara.ekholm@huddinge.example"  # SUP convener
SUP = "/natverk/sup/remissvar/"
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000


def open_demo_response(page, base):
    page.goto(f"{base}{SUP}")
    page.get_by_role("link", name="Kollektivtrafikplan 2050").first.click()
    expect(page.get_by_role("heading", level=2, name="Kollektivtrafikplan 2050")).to_be_visible()


def second_person(browser, base, login, email):
    context = browser.new_context(viewport=VIEWPORT, locale="sv-SE")
    context.set_default_timeout(TIMEOUT_MS)
    other = context.new_page()
    errors: list[str] = []
    other.on("console", lambda m: m.type == "error" and errors.append(m.text))
    login(other, base, email)
    return context, other, errors


def test_member_creates_a_joint_response_from_the_template(
    page, live_server, login, check_a11y, console
):
    base = live_server
    console.allow(r"status of 422")
    login(page, base, MEMBER)
    page.goto(f"{base}/natverk/sup")
    page.get_by_role("navigation", name="Nätverkets delar").get_by_role(
        "link", name="Remissvar").click()
    expect(page).to_have_url(f"{base}{SUP}")
    expect(page.get_by_role("heading", level=3, name=re.compile("Gemensamt svar, utkast"))
           ).to_be_visible()
    expect(page.locator("td", has_text="dagar kvar").first).to_be_visible()
    check_a11y(page, "the SUP list of responses")

    page.get_by_role("link", name="Nytt remissvar").click()
    expect(page.get_by_role("heading", level=2, name="Nytt remissvar")).to_be_visible()
    check_a11y(page, "the new response form")
    page.locator("#title").fill("Kollektivtrafikplan 2050")
    page.get_by_role("button", name="Skapa remissvaret").click()
    expect(page.get_by_role("alert")).to_contain_text("Remissvaret är inte sparat")
    expect(page.locator("#title")).to_have_value("Kollektivtrafikplan 2050")
    check_a11y(page, "the new response form with errors")

    page.locator("#referring_body").fill("Region Stockholm")
    page.locator("#reference_number").fill("RS 2021-0123")
    page.locator("#received_on").fill("2026-11-02")
    page.locator("#deadline").fill("2027-01-20")
    page.get_by_label("Botkyrka").fill("KS 2026/0815")
    page.get_by_label("Ett gemensamt svar från kommunerna").check()
    page.locator("#report_parts").fill("Kapitel 3 Stomnät\nKapitel 7 Finansiering")
    page.get_by_role("button", name="Skapa remissvaret").click()
    # The demo has this referral already (same sender and title): asked before saving, with
    # what was typed kept.
    expect(page.get_by_role("heading", name="Remissen verkar redan vara registrerad")
           ).to_be_visible()
    expect(page.locator("#report_parts")).to_have_value("Kapitel 3 Stomnät\nKapitel 7 Finansiering")
    page.get_by_role("checkbox", name=re.compile("Registrera ändå")).check()
    page.get_by_role("button", name="Skapa remissvaret").click()
    expect(page.get_by_text("Remissvaret är skapat.")).to_be_visible()
    titles = page.locator(".response-section h4")
    expect(titles).to_have_text(["Sammanfattning", "Synpunkter: Kapitel 3 Stomnät",
                                 "Synpunkter: Kapitel 7 Finansiering", "Övrigt"])
    expect(page.locator(".facts")).to_contain_text("Botkyrka: KS 2026/0815")
    check_a11y(page, "a new joint response")

    # Reorder with htmx: the list is swapped in place and announced.
    page.wait_for_function("() => window.htmx !== undefined")
    page.get_by_role("button", name=re.compile(r"Flytta upp\W+Övrigt")).click()
    expect(titles).to_have_text(["Sammanfattning", "Synpunkter: Kapitel 3 Stomnät", "Övrigt",
                                 "Synpunkter: Kapitel 7 Finansiering"])
    expect(page.locator("#messages")).to_contain_text(
        "Avsnittet ”Övrigt” är flyttat till plats 3 av 4.")
    expect(page.get_by_role("button", name=re.compile(r"Flytta upp\W+Övrigt"))).to_be_focused()
    check_a11y(page, "the response after moving a section")


def test_two_members_edit_different_sections_and_both_saves_stand(
    page, browser, live_server, login, check_a11y, console
):
    base = live_server
    context, other, errors = second_person(browser, base, login, CONVENER)
    try:
        login(page, base, MEMBER)
        open_demo_response(page, base)
        open_demo_response(other, base)
        page.get_by_role("link", name="Redigera Sammanfattning").click()
        other.get_by_role("link", name="Redigera Övrigt").click()
        check_a11y(page, "the section editor")
        page.locator("#body").fill("Ahmeds sammanfattning.")
        other.locator("#body").fill("Saras övriga synpunkter.")
        page.get_by_role("button", name="Spara avsnittet").click()
        other.get_by_role("button", name="Spara avsnittet").click()
        expect(page.get_by_text("Avsnittet ”Sammanfattning” är sparat.")).to_be_visible()
        expect(other.get_by_text("Avsnittet ”Övrigt” är sparat.")).to_be_visible()
        page.reload()
        expect(page.locator(".response-section", has_text="Ahmeds sammanfattning.")
               ).to_contain_text("Senast ändrat av Ahmed Karimi")
        expect(page.locator(".response-section", has_text="Saras övriga synpunkter.")
               ).to_contain_text("Senast ändrat av Sara Ekholm")
        assert not errors, errors
    finally:
        context.close()


def test_second_edit_of_the_same_section_gets_the_conflict_view_with_the_text_kept(
    page, browser, live_server, login, check_a11y, console
):
    base = live_server
    console.allow(r"status of 409")
    context, other, errors = second_person(browser, base, login, CONVENER)
    try:
        login(page, base, MEMBER)
        for p in (page, other):
            open_demo_response(p, base)
            p.get_by_role("link", name="Redigera Sammanfattning").click()
            expect(p.locator("#body")).to_contain_text("tvärförbindelser")
        other.locator("#body").fill("Saras version av sammanfattningen.")
        other.get_by_role("button", name="Spara avsnittet").click()
        expect(other.get_by_text("Avsnittet ”Sammanfattning” är sparat.")).to_be_visible()

        mine = "Ahmeds version av sammanfattningen, med Spårväg syd."
        page.locator("#body").fill(mine)
        page.get_by_role("button", name="Spara avsnittet").click()
        expect(page.get_by_role("heading", name="Någon annan har sparat avsnittet medan du skrev")
               ).to_be_visible()
        expect(page.locator("#body")).to_have_value(mine)
        expect(page.locator(".conflict__current pre")).to_contain_text("Saras version")
        expect(page.locator(".conflict .diff ins").first).to_be_visible()
        check_a11y(page, "the section conflict view")

        page.locator("#body").fill("Saras och Ahmeds sammanfattning.")
        page.get_by_role("button", name="Spara min text").click()
        expect(page.get_by_text("Avsnittet ”Sammanfattning” är sparat.")).to_be_visible()
        expect(page.locator(".markdown").first).to_have_text("Saras och Ahmeds sammanfattning.")
        assert not errors, errors
    finally:
        context.close()


def test_comments_are_added_answered_and_resolved(page, live_server, login, check_a11y, console):
    base = live_server
    login(page, base, MEMBER)
    open_demo_response(page, base)
    expect(page.get_by_text("2 öppna kommentarer")).to_be_visible()
    section = page.locator(".response-section", has=page.get_by_role(
        "heading", name="Synpunkter: Kapitel 6 Genomförande"))
    section.get_by_text("Kommentera avsnittet").click()
    check_a11y(page, "the response with the comment form open")
    section.get_by_label("Kommentar").fill("Vilka bytespunkter menar vi?")
    section.get_by_role("button", name="Spara kommentaren").click()
    expect(page.get_by_text("Kommentaren är sparad.")).to_be_visible()
    expect(page.get_by_text("3 öppna kommentarer")).to_be_visible()

    section = page.locator(".response-section", has=page.get_by_role(
        "heading", name="Synpunkter: Kapitel 6 Genomförande"))
    thread = section.locator("article.comment", has_text="Vilka bytespunkter menar vi?")
    thread.get_by_text("Svara", exact=True).click()
    thread.get_by_label("Ditt svar").fill("Flemingsberg och Haninge centrum.")
    thread.get_by_role("button", name="Skicka svaret").click()
    expect(page.get_by_text("Svaret är sparat.")).to_be_visible()
    thread = page.locator("article.comment", has_text="Vilka bytespunkter menar vi?")
    expect(thread).to_contain_text("Flemingsberg och Haninge centrum.")

    thread.get_by_role("button", name="Markera som löst").click()
    expect(page.get_by_text("Kommentaren är markerad som löst.")).to_be_visible()
    thread = page.locator("article.comment", has_text="Vilka bytespunkter menar vi?")
    expect(thread).to_contain_text("✓ Löst")
    expect(page.get_by_text("2 öppna kommentarer")).to_be_visible()
    check_a11y(page, "the response with a resolved comment")


def test_a_named_version_is_saved_and_compared_with_the_current_text(
    page, live_server, login, check_a11y, console
):
    base = live_server
    login(page, base, MEMBER)
    open_demo_response(page, base)
    page.locator("#name").fill("Före Ahmeds ändringar")
    page.get_by_role("button", name="Spara versionen").click()
    expect(page.get_by_text("Versionen ”Före Ahmeds ändringar” är sparad.")).to_be_visible()
    check_a11y(page, "the list of saved versions")

    open_demo_response(page, base)
    page.get_by_role("link", name="Redigera Övrigt").click()
    page.locator("#body").fill("Kontaktperson för svaret är Ahmed Karimi, Botkyrka.")
    page.get_by_role("button", name="Spara avsnittet").click()
    expect(page.get_by_text("Avsnittet ”Övrigt” är sparat.")).to_be_visible()

    page.get_by_role("link", name=re.compile("^Sparade versioner")).click()
    page.get_by_role("link", name=re.compile("^Före Ahmeds ändringar")).click()
    expect(page.get_by_role("heading", level=2, name=re.compile("Jämför versioner"))
           ).to_be_visible()
    changed = page.locator(".compare-section--changed")
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text("Övrigt")
    expect(changed.locator("ins").last).to_contain_text("Botkyrka.")
    expect(changed.locator("del").first).to_contain_text("nätverkets")
    check_a11y(page, "the comparison with the current text")

    page.get_by_role("link", name="‹ Tillbaka till versionerna").click()
    page.goto(page.url.replace("/versioner", "/historik"))
    expect(page.get_by_role("heading", level=2, name=re.compile("Vem skrev vad"))).to_be_visible()
    expect(page.locator("section", has_text="Övrigt")).to_contain_text("Ahmed Karimi")
    check_a11y(page, "who wrote what")


def test_convener_makes_the_triage_choice_for_a_new_referral(
    page, live_server, login, check_a11y, console
):
    base = live_server
    console.allow(r"status of 422")
    login(page, base, "linnea.holm@haninge.example")  # Klimat convener
    page.goto(f"{base}/natverk/klimat/remissvar/")
    expect(page.get_by_role("heading", level=3, name=re.compile("Ej beslutat"))).to_be_visible()
    page.get_by_role("link", name=re.compile("Regional klimatfärdplan")).click()
    expect(page.get_by_role("heading", name="Hur svarar kommunerna?")).to_be_visible()
    check_a11y(page, "a response waiting for the triage choice")

    page.get_by_label("Inget svar").check()
    page.get_by_role("button", name="Spara beslutet").click()
    expect(page.get_by_role("alert")).to_contain_text("Beslutet är inte sparat")
    expect(page.get_by_text("Skriv varför kommunerna inte svarar på remissen.")).to_be_visible()
    check_a11y(page, "the triage choice with an error")
    page.get_by_label("Varför svarar kommunerna inte?").fill(
        "Frågan hanteras av varje kommuns miljönämnd.")
    page.get_by_role("button", name="Spara beslutet").click()
    expect(page.get_by_text("Beslutet är sparat: Inget svar.")).to_be_visible()
    expect(page.locator(".callout")).to_contain_text("varje kommuns miljönämnd")

    page.get_by_role("link", name="Ändra uppgifter").click()
    expect(page.locator("#reference_number")).to_have_value("LST 2026-4711")
    check_a11y(page, "the details form")
